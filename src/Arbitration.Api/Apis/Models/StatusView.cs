namespace Arbitration.Api.Apis.Models;

/// <summary>The read model at a glance.</summary>
public sealed record StatusView(ChainPosition? AsOf, long Providers, long Sessions, long Disputes, long OpenDisputes, long Oracles, long ChainId, string Relayer);

namespace Arbitration.Api.Apis.Models;

/// <summary>An evidence log root a collector anchored in the EvidenceRegistry.</summary>
public sealed record AnchorView(string LogId, long TreeSize, string Root, string Collector, long Time);

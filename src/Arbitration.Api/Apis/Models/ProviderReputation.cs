namespace Arbitration.Api.Apis.Models;

/// <summary>A provider's record: what it served and how its disputes ended.</summary>
/// <param name="SessionsServed">Sessions opened with it.</param>
/// <param name="BytesServed">Bytes its clients' vouchers paid for, settled on-chain.</param>
/// <param name="Earned">VPN base units paid to it (vouchers settled and closes).</param>
/// <param name="DisputesAgainst">Claims filed against it.</param>
/// <param name="DisputesUpheld">Claims against it that were upheld.</param>
/// <param name="DisputesRejected">Claims against it that were rejected.</param>
/// <param name="DisputesFiled">Claims it filed against its clients.</param>
/// <param name="Slashed">Bond taken from it by rulings.</param>
public sealed record ProviderReputation(long SessionsServed, string BytesServed, string Earned, int DisputesAgainst, int DisputesUpheld,
    int DisputesRejected, int DisputesFiled, string Slashed);

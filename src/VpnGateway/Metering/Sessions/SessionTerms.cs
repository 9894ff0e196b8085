using System.Numerics;

namespace VpnGateway.Metering.Sessions;

/// <summary>What metering needs from a session's terms: who signs the vouchers and the checkpoints, and the price.</summary>
/// <param name="ClientAddress">The client's Ethereum address (voucher signer); null on a pinned session without one.</param>
/// <param name="ProviderAddress">The provider's Ethereum address (checkpoint signer).</param>
/// <param name="PricePerMiB">VPN token base units per MiB carried.</param>
public sealed record SessionTerms(string? ClientAddress, string ProviderAddress, BigInteger PricePerMiB)
{
    /// <summary>Whether the terms are a SessionManager session's (settled on-chain), not a pinned link's configuration.</summary>
    public bool OnChain { get; init; }
}

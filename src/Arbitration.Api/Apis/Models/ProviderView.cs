namespace Arbitration.Api.Apis.Models;

/// <summary>A registered provider (gateway operator) as its latest registration or update says.</summary>
/// <param name="Address">The operator address.</param>
/// <param name="Region">ISO 3166 code.</param>
/// <param name="PricePerMiB">VPN base units per MiB.</param>
/// <param name="Endpoint">The gateway's UDP endpoint.</param>
/// <param name="TunnelPublicKey">Its X25519 tunnel key.</param>
/// <param name="PolicyHash">The exit policy's hash.</param>
/// <param name="PolicyUri">Where the policy document is.</param>
/// <param name="Status">Active, Unbonding or Withdrawn.</param>
/// <param name="Bond">Bond held (VPN base units).</param>
/// <param name="ReservedBond">Bond reserved by sessions whose claims may still come (the sum of their penalties not yet paid or released); the rest is free.</param>
/// <param name="UnbondableAt">When an unbonding provider may withdraw.</param>
/// <param name="RegisteredAt">When it registered.</param>
/// <param name="Reputation">Sessions, traffic, earnings and disputes.</param>
public sealed record ProviderView(string Address, string Region, string PricePerMiB, string Endpoint, string TunnelPublicKey, string PolicyHash,
    string PolicyUri, string Status, string Bond, string ReservedBond, long? UnbondableAt, long RegisteredAt, ProviderReputation Reputation);

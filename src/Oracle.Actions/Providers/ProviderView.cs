using Oracle.Actions.Units;
using Oracle.Chain.Model;

namespace Oracle.Actions.Providers;

/// <summary>A provider as the ProviderRegistry holds it.</summary>
/// <param name="Address">The operator address (signs checkpoints, closes sessions).</param>
/// <param name="Status">Active (takes sessions) or Unbonding.</param>
/// <param name="Endpoint">The gateway's UDP endpoint.</param>
/// <param name="TunnelKey">The gateway's X25519 public key, base64.</param>
/// <param name="Region">The region code.</param>
/// <param name="PricePerMiB">VPN per MiB.</param>
/// <param name="PolicyHash">The policy document's hash (0x-hex).</param>
/// <param name="PolicyUri">Where the document is published.</param>
/// <param name="Bond">The bond.</param>
/// <param name="ReservedBond">The part of the bond reserved by sessions whose claims may still come (their penalties not yet paid or released); the rest is free to withdraw.</param>
/// <param name="RegisteredAt">When it registered.</param>
/// <param name="UnbondableAt">When an unbonding bond can be withdrawn (null unless unbonding).</param>
public sealed record ProviderView(string Address, ProviderStatus Status, string Endpoint, string TunnelKey, string Region, TokenAmount PricePerMiB, string PolicyHash,
    string PolicyUri, TokenAmount Bond, TokenAmount ReservedBond, DateTimeOffset RegisteredAt, DateTimeOffset? UnbondableAt);

using Oracle.Actions.Units;

namespace Oracle.Actions.Providers;

/// <summary>
/// What a provider publishes, as given on the command line; for an update, every field left null keeps its value.
/// </summary>
/// <param name="Endpoint"><c>host:port</c> of the gateway's UDP endpoint.</param>
/// <param name="TunnelKey">The gateway's X25519 public key, base64 or 0x-hex (what <c>vpngateway keygen</c> prints).</param>
/// <param name="Region">ISO 3166-1 alpha-2 or ISO 3166-2 code ("DE", "US-CA").</param>
/// <param name="PricePerMiB">VPN per MiB carried.</param>
/// <param name="PolicyFile">The policy document the gateway enforces (its hash is registered).</param>
/// <param name="PolicyUri">Where clients can fetch the document (default: the file's URI, which only the local machine reads).</param>
public sealed record ProviderTerms(string? Endpoint = null, string? TunnelKey = null, string? Region = null, TokenAmount? PricePerMiB = null, string? PolicyFile = null,
    string? PolicyUri = null);

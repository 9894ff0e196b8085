namespace VpnGateway.Hosting;

/// <summary>The JSON of <c>GET /status</c>.</summary>
internal sealed record GatewayStatus(string Role, long Handshakes, SessionStatus[] Sessions, IReadOnlyDictionary<string, long> Drops, Dictionary<string, long> DenialsByRule);

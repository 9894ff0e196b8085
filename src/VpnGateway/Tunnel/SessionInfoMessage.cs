using System.Text.Json;
using System.Text.Json.Serialization;

namespace VpnGateway.Tunnel;

/// <summary>
/// The SessionInfo control message (type 0x0001, provider → client, JSON): what the client, and evidence about the
/// session, need to evaluate the policy the same way the provider does.
/// </summary>
internal sealed record SessionInfoMessage(
    [property: JsonPropertyName("sessionId")] ulong SessionId,
    [property: JsonPropertyName("policyHash")] string PolicyHash,
    [property: JsonPropertyName("providerNetworks")] string[] ProviderNetworks,
    [property: JsonPropertyName("gatewayAddresses")] string[] GatewayAddresses,
    [property: JsonPropertyName("clientPrefixes")] string[] ClientPrefixes,
    [property: JsonPropertyName("policy")] string Policy)
{
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = false };
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Oracle.Core.Policy;

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

    /// <summary>Parses a SessionInfo payload; null (with <paramref name="error"/>) when it is not one.</summary>
    public static SessionInfoMessage? TryParse(ReadOnlySpan<byte> payload, out string? error)
    {
        try
        {
            var info = JsonSerializer.Deserialize<SessionInfoMessage>(payload, JsonOptions);
            error = info is null ? "empty" : null;
            return info;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// The session's policy and the provider's evaluation context (docs/protocol.md §6.3), when the document the message
    /// carries is the one whose hash the session holds (<paramref name="expectedHash"/>: the handshake's, from the chain
    /// or the pinned configuration) and every provider network parses.
    /// </summary>
    public bool TryReadPolicy(ReadOnlySpan<byte> expectedHash, [NotNullWhen(true)] out PolicyDocument? policy, [NotNullWhen(true)] out PolicyContext? context, [NotNullWhen(false)] out string? error)
    {
        policy = null;
        context = null;
        if (Policy is null)
        {
            error = "no policy document";
            return false;
        }

        if (!PolicyDocument.TryParse(Policy, out var document, out error))
        {
            return false;
        }

        if (!document.Hash.SequenceEqual(expectedHash))
        {
            error = $"the policy document's hash {document.HashHex} is not the session's 0x{Convert.ToHexStringLower(expectedHash)}";
            return false;
        }

        var networks = new List<IpPrefix>();
        foreach (var text in ProviderNetworks ?? [])
        {
            if (!IpPrefix.TryParse(text, out var prefix, out error))
            {
                return false;
            }

            networks.Add(prefix);
        }

        (policy, context, error) = (document, new PolicyContext(networks), null);
        return true;
    }
}

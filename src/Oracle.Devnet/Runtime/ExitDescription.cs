using System.Text.Json.Serialization;

namespace Oracle.Devnet.Runtime;

/// <summary>What a user needs to try the devnet's VPN exit.</summary>
public sealed record ExitDescription
{
    /// <summary>The <see cref="ExitNetwork"/>'s id.</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>The <see cref="ExitNetwork"/>'s /24 (third octet of 198.19.x.0/24).</summary>
    [JsonPropertyName("subnet")] public required int Subnet { get; init; }

    /// <summary>The provider's UDP endpoint (in its own namespace, reached over the devnet's veth).</summary>
    [JsonPropertyName("endpoint")] public required string Endpoint { get; init; }

    /// <summary>The devnet's internet, which the exit reaches (route it into the tunnel).</summary>
    [JsonPropertyName("internet")] public required string Internet { get; init; }

    /// <summary>A web page in the devnet's internet.</summary>
    [JsonPropertyName("web")] public required string Web { get; init; }

    /// <summary>A client configuration with an open session (<c>vpngateway connect --config FILE</c>).</summary>
    [JsonPropertyName("clientConfig")] public string? ClientConfig { get; init; }
}

namespace VpnGateway.Hosting;

/// <summary>Section <c>Connect</c>: the client.</summary>
internal sealed class ConnectSettings
{
    /// <summary>The provider's Ethereum address (its tunnel key then comes from the directory).</summary>
    public string? Provider { get; set; }

    /// <summary>The provider's tunnel key (base64 or 0x-hex), pinned; overrides the directory.</summary>
    public string? ProviderKey { get; set; }

    /// <summary><c>host:port</c> of the provider's gateway (else the directory's).</summary>
    public string? Endpoint { get; set; }

    public ulong SessionId { get; set; }

    public List<string> Routes { get; set; } = ["0.0.0.0/0"];

    public string InterfacePattern { get; set; } = "orc%d";

    /// <summary>Listen on this local UDP endpoint (default: any port).</summary>
    public string Listen { get; set; } = "0.0.0.0:0";

    public int AuthorizationLifetimeHours { get; set; } = 24;

    /// <summary>Initiations sent before <c>connect</c> gives up on an unanswering provider.</summary>
    public int ConnectAttempts { get; set; } = 3;

    /// <summary>Site-to-site: forward between the local LAN and the tunnel (turns on IP forwarding while connected).</summary>
    public bool Forward { get; set; }
}

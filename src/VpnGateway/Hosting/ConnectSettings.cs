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

    /// <summary>The session to carry (on-chain id, or the pinned one); 0 with <see cref="Deposit"/>: open one at start.</summary>
    public ulong SessionId { get; set; }

    /// <summary>
    /// Instead of <see cref="SessionId"/>: open a session with <see cref="Provider"/> at start, locking this deposit (VPN,
    /// "10" or "12.5") with the client's key (<c>Chain:Keystore</c>), at the provider's registered price and policy.
    /// </summary>
    public string? Deposit { get; set; }

    /// <summary>With <see cref="Deposit"/>: the most a ruling takes from the party at fault (VPN; default 0).</summary>
    public string? Penalty { get; set; }

    /// <summary>With <see cref="Deposit"/>: oracles drawn for a dispute (odd, from 3; default 3).</summary>
    public int? CommitteeSize { get; set; }

    /// <summary>
    /// What goes through the tunnel; empty (not configured): everything (<c>0.0.0.0/0</c>, and <c>::/0</c> when the
    /// provider gives the session an IPv6 tunnel address).
    /// </summary>
    /// <remarks>
    /// No default in the list itself: the configuration binder adds the configured items to an existing list, so a
    /// default entry would stay and a site-to-site client would route everything into the tunnel.
    /// </remarks>
    public List<string> Routes { get; set; } = [];

    /// <summary>The configured routes, or <c>0.0.0.0/0</c> when none are.</summary>
    public IReadOnlyList<string> EffectiveRoutes => Routes.Count > 0 ? Routes : ["0.0.0.0/0"];

    public string InterfacePattern { get; set; } = "orc%d";

    /// <summary>Listen on this local UDP endpoint (default: any port).</summary>
    public string Listen { get; set; } = "0.0.0.0:0";

    public int AuthorizationLifetimeHours { get; set; } = 24;

    /// <summary>Initiations sent before <c>connect</c> gives up on an unanswering provider.</summary>
    public int ConnectAttempts { get; set; } = 3;

    /// <summary>Site-to-site: forward between the local LAN and the tunnel (turns on IP forwarding while connected).</summary>
    public bool Forward { get; set; }
}

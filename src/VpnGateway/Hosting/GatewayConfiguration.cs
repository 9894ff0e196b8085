namespace VpnGateway.Hosting;

/// <summary>The configuration file (JSON) and environment (<c>VPNGATEWAY_</c> prefix, <c>__</c> for nesting); see docs/gateway.md.</summary>
internal sealed class GatewayConfiguration
{
    public TunnelSettings Tunnel { get; set; } = new();

    public KeySettings Keys { get; set; } = new();

    public ChainSettings Chain { get; set; } = new();

    public ServeSettings Serve { get; set; } = new();

    public ConnectSettings Connect { get; set; } = new();

    public DirectorySettings Directory { get; set; } = new();

    public MetricsSettings Metrics { get; set; } = new();
}

internal sealed class TunnelSettings
{
    public int Mtu { get; set; } = 1420;

    /// <summary><c>aes-256-gcm</c> or <c>chacha20-poly1305</c>.</summary>
    public string Cipher { get; set; } = "aes-256-gcm";

    /// <summary>IFF_VNET_HDR with TSO/GRO on the TUN devices.</summary>
    public bool Offloads { get; set; } = true;

    public int RekeyAfterSeconds { get; set; } = 120;

    public ulong RekeyAfterMessages { get; set; } = 1UL << 40;

    public int KeepaliveSeconds { get; set; } = 10;

    public int PersistentKeepaliveSeconds { get; set; } = 25;

    public int SessionIdleSeconds { get; set; } = 180;

    /// <summary>Seconds to wait for a handshake response before trying again.</summary>
    public int RekeyTimeoutSeconds { get; set; } = 5;
}

internal sealed class KeySettings
{
    /// <summary>The X25519 tunnel key, as a keystore file (<c>vpngateway keygen</c> writes one).</summary>
    public string? TunnelKeystore { get; set; }

    /// <summary>The Ethereum key (provider or client identity), as a keystore file.</summary>
    public string? EthereumKeystore { get; set; }

    /// <summary>A file whose first line is the keystores' password (else ORACLE_KEYSTORE_PASSWORD).</summary>
    public string? PasswordFile { get; set; }
}

internal sealed class ChainSettings
{
    public string? RpcUrl { get; set; }

    /// <summary>Deployment manifest (deployments/&lt;network&gt;.json) naming the contracts.</summary>
    public string? Manifest { get; set; }

    public long ChainId { get; set; } = 31337;

    public string? SessionManager { get; set; }

    public string? ProviderRegistry { get; set; }
}

internal sealed class ServeSettings
{
    public string Listen { get; set; } = "0.0.0.0:51820";

    public string AddressPool { get; set; } = "198.19.128.0/24";

    public string InterfacePattern { get; set; } = "ogw%d";

    /// <summary>LAN prefixes to protect besides the host's own addresses.</summary>
    public List<string> ProtectedNetworks { get; set; } = [];

    /// <summary>Also protect every subnet a local interface is connected to (the provider's LAN).</summary>
    public bool ProtectConnectedNetworks { get; set; } = true;

    /// <summary>Policy documents this gateway enforces (files).</summary>
    public List<string> Policies { get; set; } = [];

    /// <summary><c>pinned</c> (the Directory section) or <c>chain</c>.</summary>
    public string Directory { get; set; } = "pinned";

    public ExitSettings Exit { get; set; } = new();

    public double HandshakesPerSecond { get; set; } = 5;

    public int HandshakeBurst { get; set; } = 10;

    public int MaxSessions { get; set; } = 1024;
}

internal sealed class ExitSettings
{
    /// <summary>Forward session traffic (turns on IP forwarding).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Masquerade the address pool behind the uplink.</summary>
    public bool Masquerade { get; set; } = true;

    /// <summary>The uplink interface (null: any).</summary>
    public string? Uplink { get; set; }
}

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

internal sealed class DirectorySettings
{
    public List<PinnedProvider> Providers { get; set; } = [];

    public List<PinnedSession> Sessions { get; set; } = [];
}

internal sealed class PinnedProvider
{
    public string Address { get; set; } = string.Empty;

    public string TunnelKey { get; set; } = string.Empty;

    public string? Endpoint { get; set; }
}

internal sealed class PinnedSession
{
    public ulong Id { get; set; }

    /// <summary>The client's Ethereum address; with <see cref="TunnelKey"/> unset, the client must prove it.</summary>
    public string? Client { get; set; }

    public string? Provider { get; set; }

    /// <summary>The policy document file (its hash is the session's policy hash).</summary>
    public string? Policy { get; set; }

    /// <summary>Or the policy hash directly (0x-hex) of a document listed in Serve:Policies.</summary>
    public string? PolicyHash { get; set; }

    /// <summary>Pin the client's tunnel key (base64 or 0x-hex): then no Ethereum proof is needed.</summary>
    public string? TunnelKey { get; set; }

    /// <summary>Site-to-site: the client's LAN prefixes, routed to it.</summary>
    public List<string> Routes { get; set; } = [];

    /// <summary>A fixed tunnel address for the client.</summary>
    public string? Address { get; set; }

    public bool Open { get; set; } = true;
}

internal sealed class MetricsSettings
{
    /// <summary>Where /metrics, /healthz and /status listen (empty: off).</summary>
    public string Listen { get; set; } = "127.0.0.1:9580";
}

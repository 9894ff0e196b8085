namespace VpnGateway.Hosting;

/// <summary>Section <c>Serve</c>: the provider gateway.</summary>
internal sealed class ServeSettings
{
    public string Listen { get; set; } = "0.0.0.0:51820";

    public string AddressPool { get; set; } = "198.19.128.0/22";

    /// <summary>The IPv6 tunnel addresses (empty: IPv4 only inside the tunnel).</summary>
    public string? AddressPool6 { get; set; }

    /// <summary>The gateway's one device (all sessions); <c>%d</c> lets the kernel number it.</summary>
    public string InterfacePattern { get; set; } = "ogw%d";

    /// <summary>Workers (device queues, UDP sockets, handshake workers); 0: one per core.</summary>
    public int Workers { get; set; }

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

namespace VpnGateway.Hosting;

/// <summary>A session pinned in the configuration (site-to-site, devnet).</summary>
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

    /// <summary>
    /// After one of the link's sessions ended: <c>settled</c> (default) continues in a successor session if the ended one
    /// left nothing unpaid, <c>always</c> continues anyway, <c>never</c> keeps it ended (docs/gateway.md, Pinned links).
    /// </summary>
    public string Renew { get; set; } = "settled";
}

namespace VpnGateway.Providers;

/// <summary>Whether a pinned link continues in a new session once one of its sessions ended (docs/protocol.md §4.4).</summary>
public enum SessionRenewal
{
    /// <summary>An ended session is over for good (on-chain sessions: the client opens a new one on-chain).</summary>
    None,

    /// <summary>The link continues in a successor session only if the ended one left nothing unpaid (the default for pinned links).</summary>
    Settled,

    /// <summary>The link always continues (a partner trusted to settle out of band: each session's unpaid rest stays in the evidence).</summary>
    Always,
}

namespace VpnGateway.Metering.Flows;

/// <summary>When flow records are closed (IPFIX-style active and idle timeouts) and how many flows a session may hold.</summary>
public sealed class FlowTableOptions
{
    /// <summary>A flow seen for this long is closed and a new record begins (default 60 s).</summary>
    public TimeSpan ActiveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A flow without packets for this long is closed (default 15 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Open flows per session; beyond it the least recently seen are closed early (reason: lack of resources).</summary>
    public int MaxFlows { get; set; } = 65_536;
}

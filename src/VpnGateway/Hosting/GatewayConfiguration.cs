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

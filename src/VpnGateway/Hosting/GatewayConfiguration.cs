namespace VpnGateway.Hosting;

/// <summary>
/// The configuration file (JSON) and environment (<c>VPNGATEWAY_</c> prefix, <c>__</c> for nesting); see docs/gateway.md.
/// Section <c>Chain</c> is the shared <see cref="Oracle.Chain.ChainOptions"/>, read once into the
/// <see cref="Oracle.Chain.ChainContext"/>; <c>Metering</c>, <c>Bus</c> and <c>Logging</c> are read by their own parts.
/// </summary>
internal sealed class GatewayConfiguration
{
    public TunnelSettings Tunnel { get; set; } = new();

    public KeySettings Keys { get; set; } = new();

    public ServeSettings Serve { get; set; } = new();

    public ConnectSettings Connect { get; set; } = new();

    public DirectorySettings Directory { get; set; } = new();

    public MetricsSettings Metrics { get; set; } = new();
}

namespace VpnGateway.Hosting;

/// <summary>Section <c>Metrics</c>: the HTTP endpoint.</summary>
internal sealed class MetricsSettings
{
    /// <summary>Where /metrics, /healthz and /status listen (empty: off).</summary>
    public string Listen { get; set; } = "127.0.0.1:9580";
}

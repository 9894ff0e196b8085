using VpnGateway.Sessions;

namespace VpnGateway.Hosting;

/// <summary>Section <c>Metrics</c>: the HTTP endpoint.</summary>
internal sealed class MetricsSettings
{
    /// <summary>A provider's default: <c>127.0.0.1:9580</c>.</summary>
    public const string ProviderDefault = "127.0.0.1:9580";

    /// <summary>A client's default, so a provider and a client run side by side out of the box: <c>127.0.0.1:9581</c>.</summary>
    public const string ClientDefault = "127.0.0.1:9581";

    /// <summary>Where /metrics, /healthz and /status listen (empty: off; unset: the role's default).</summary>
    public string? Listen { get; set; }

    public static string DefaultFor(GatewayRole role) => role == GatewayRole.Provider ? ProviderDefault : ClientDefault;
}

namespace VpnGateway.Hosting;

/// <summary>A provider pinned in the configuration.</summary>
internal sealed class PinnedProvider
{
    public string Address { get; set; } = string.Empty;

    public string TunnelKey { get; set; } = string.Empty;

    public string? Endpoint { get; set; }
}

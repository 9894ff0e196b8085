namespace VpnGateway.Hosting;

/// <summary>Section <c>Chain</c>: where the contracts are.</summary>
internal sealed class ChainSettings
{
    public string? RpcUrl { get; set; }

    /// <summary>Deployment manifest (deployments/&lt;network&gt;.json) naming the contracts.</summary>
    public string? Manifest { get; set; }

    public long ChainId { get; set; } = 31337;

    public string? SessionManager { get; set; }

    public string? ProviderRegistry { get; set; }
}

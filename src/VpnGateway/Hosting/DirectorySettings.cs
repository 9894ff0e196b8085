namespace VpnGateway.Hosting;

/// <summary>Section <c>Directory</c>: pinned providers and sessions.</summary>
internal sealed class DirectorySettings
{
    public List<PinnedProvider> Providers { get; set; } = [];

    public List<PinnedSession> Sessions { get; set; } = [];
}

using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvidenceCollector.Anchoring;

/// <summary>Degraded (still 200: the collector keeps taking evidence) while anchoring has a problem, with the reason.</summary>
internal sealed class AnchoringHealthCheck(AnchoringStatus status, Log.LeaderService leader) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(!leader.IsLeader
            ? HealthCheckResult.Healthy("another collector process is the sequencer and anchors")
            : status.Problem is { } problem ? HealthCheckResult.Degraded(problem) : HealthCheckResult.Healthy("anchoring"));
}

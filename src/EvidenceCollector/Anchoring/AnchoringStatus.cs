namespace EvidenceCollector.Anchoring;

/// <summary>What the anchoring duty last reported, for the health check and logs.</summary>
internal sealed class AnchoringStatus
{
    private volatile string _problem = "not started (this process is not the sequencer, or anchoring just began)";

    /// <summary>The current problem, or null when anchoring works.</summary>
    public string? Problem => _problem.Length == 0 ? null : _problem;

    /// <summary>Sets (or clears, with null) the problem.</summary>
    public void Report(string? problem) => _problem = problem ?? "";
}

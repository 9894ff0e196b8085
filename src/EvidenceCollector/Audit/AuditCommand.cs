namespace EvidenceCollector.Audit;

/// <summary><c>evidence-collector audit</c>: checks a collector's log against its on-chain anchors (docs/collector.md).</summary>
internal static class AuditCommand
{
    /// <summary>Runs the audit; the exit code is 0 when the log is whole.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        Console.Error.WriteLine("evidence-collector audit: not built yet");
        return Task.FromResult(1);
    }
}

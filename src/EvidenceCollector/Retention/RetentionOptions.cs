using System.ComponentModel.DataAnnotations;

namespace EvidenceCollector.Retention;

/// <summary>Section <c>Retention</c>: when a session's records (not their hashes) may be deleted (docs/operations.md, EvidenceCollector).</summary>
internal sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Retention";

    /// <summary>Whether records are ever deleted (off: kept forever).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long records are kept after the session's dispute window closed on-chain (the provider's liability ends
    /// <c>disputeWindow</c> after the session's close, or after its longest duration); a session with an open dispute
    /// keeps its records whatever the time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Grace { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the sequencer looks for sessions whose records may go.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

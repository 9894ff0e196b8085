using System.ComponentModel.DataAnnotations;

namespace EvidenceCollector.Log;

/// <summary>Section <c>Log</c>: the global log and its sequencer (docs/operations.md, EvidenceCollector).</summary>
internal sealed class LogOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Log";

    /// <summary>
    /// The log's origin: the first line of its checkpoints and the name of its key, a schema-less URL (for example
    /// <c>collector.example.org/evidence</c>); its log id on-chain is SHA-256 of it. Default
    /// <c>oracle.evidence/&lt;chain id&gt;/&lt;collector address&gt;</c>.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>How often the sequencer looks for accepted batches when it was not woken.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan SequenceInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most leaves one sequencer step appends (one transaction).</summary>
    [Range(1, 100_000)]
    public int MaxLeavesPerStep { get; set; } = 4096;

    /// <summary>How often a process that does not lead tries to take the sequencer lease (and the leader checks it still holds it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan LeaderPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

using System.ComponentModel.DataAnnotations;

namespace EvidenceCollector.Anchoring;

/// <summary>Section <c>Anchoring</c>: how the global log is anchored in the EvidenceRegistry (docs/operations.md, EvidenceCollector).</summary>
internal sealed class AnchoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Anchoring";

    /// <summary>Whether this collector registers and anchors (off: a read replica, or a test).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The longest time between anchors while the log grows.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Anchor as soon as this many leaves were appended since the last anchor, before the interval is over.</summary>
    [Range(1, int.MaxValue)]
    public int MaxLeaves { get; set; } = 10_000;

    /// <summary>The bond posted when registering, in VPN tokens (decimal); unset: the registry's minimum bond.</summary>
    [Range(typeof(decimal), "0", "79228162514")]
    public decimal? Bond { get; set; }
}

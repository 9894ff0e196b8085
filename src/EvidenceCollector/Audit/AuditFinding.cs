namespace EvidenceCollector.Audit;

/// <summary>One problem the audit found.</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Where">Which log and position.</param>
/// <param name="Detail">What exactly.</param>
internal sealed record AuditFinding(AuditFindingKind Kind, string Where, string Detail)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind.ToString().ToUpperInvariant(),-8} {Where}: {Detail}";
}

namespace OracleNode.Storage;

/// <summary>A round's committee (<c>CommitteeDrawn</c>): one address per seat, and its deadlines.</summary>
internal sealed class CommitteeRow
{
    public long DisputeId { get; init; }

    public long Round { get; init; }

    /// <summary>Comma-separated lower-case addresses, one per seat, in draw order.</summary>
    public string Committee { get; init; } = "";

    public long CommitDeadline { get; init; }

    public long RevealDeadline { get; init; }

    public long AppealDeadline { get; init; }

    public long Block { get; init; }

    /// <summary>The committee as the contract wants it (one entry per seat).</summary>
    public List<string> Members => [.. Committee.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>How many seats <paramref name="address"/> holds.</summary>
    public int SeatsOf(string address)
        => Members.Count(m => string.Equals(m, address, StringComparison.OrdinalIgnoreCase));
}

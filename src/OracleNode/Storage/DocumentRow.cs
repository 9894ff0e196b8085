namespace OracleNode.Storage;

/// <summary>An evidence document a party added (<c>EvidenceSubmitted</c>).</summary>
internal sealed class DocumentRow
{
    public long DisputeId { get; init; }

    public string Party { get; init; } = "";

    public string Hash { get; init; } = "";

    public string Uri { get; init; } = "";

    public long Block { get; init; }

    public long LogIndex { get; init; }
}

namespace OracleNode.Storage;

/// <summary>A collector's anchored log head (<c>CheckpointAnchored</c>).</summary>
internal sealed class AnchorRow
{
    public string LogId { get; init; } = "";

    public string Collector { get; init; } = "";

    public long TreeSize { get; init; }

    public string Root { get; init; } = "";

    public long Block { get; init; }
}

namespace OracleNode.Storage;

/// <summary>A round that started (<c>RoundStarted</c>).</summary>
internal sealed class RoundRow
{
    public long DisputeId { get; init; }

    public long Round { get; init; }

    public long Size { get; init; }

    public long Block { get; init; }
}

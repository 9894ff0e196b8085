namespace OracleNode.Storage;

/// <summary>A transaction the node sent (or that reverted, or that it stood down from).</summary>
internal sealed class ActionRow
{
    public long Id { get; init; }

    public long At { get; init; }

    public string Action { get; init; } = "";

    public long? DisputeId { get; init; }

    public long? Round { get; init; }

    public string Outcome { get; init; } = "";

    public string? TransactionHash { get; init; }
}

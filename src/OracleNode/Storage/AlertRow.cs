namespace OracleNode.Storage;

/// <summary>Something the operator must know: a deadline missed or at risk, a vote that cannot be revealed.</summary>
internal sealed class AlertRow
{
    public long Id { get; init; }

    public long At { get; init; }

    public string Kind { get; init; } = "";

    public long? DisputeId { get; init; }

    public long? Round { get; init; }

    public string Message { get; init; } = "";
}

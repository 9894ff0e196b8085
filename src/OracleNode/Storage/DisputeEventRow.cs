namespace OracleNode.Storage;

/// <summary>
/// A dispute event kept for <c>status</c> and for the node's bookkeeping: <c>committed</c>, <c>revealed</c> (detail:
/// the vote), <c>appealed</c>, <c>settled</c>, <c>slashed</c>, <c>reward</c>, <c>ruling</c> (detail: the ruling),
/// <c>dismissed</c>, <c>appeal-dismissed</c>, <c>credited</c>, <c>withdrawn</c>.
/// </summary>
internal sealed class DisputeEventRow
{
    public long DisputeId { get; init; }

    public long? Round { get; init; }

    public string Kind { get; init; } = "";

    public string? Account { get; init; }

    public string? Amount { get; init; }

    public string? Detail { get; init; }

    public long Block { get; init; }
}

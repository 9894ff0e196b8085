namespace OracleNode.Judging;

/// <summary>Applies the adjudication rules (docs/protocol.md §8) to one round of a dispute.</summary>
internal interface IJudge
{
    /// <summary>Decides the vote for <paramref name="round"/>; evidence failures are values (Rejected: not proven), not exceptions.</summary>
    Task<Judgment> JudgeAsync(DisputeCase round, CancellationToken cancellationToken);
}

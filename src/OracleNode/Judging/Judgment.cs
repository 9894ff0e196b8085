namespace OracleNode.Judging;

/// <summary>
/// A decided vote and why: the adjudication rule that decided (docs/protocol.md §8.3) and every check made, in order.
/// </summary>
/// <param name="Vote">Upheld (1) or Rejected (2).</param>
/// <param name="Rule">The rule and its outcome, for example <c>§8.3 ClientBreachedPolicy: proven by record 17</c>.</param>
/// <param name="Reasons">The checks made and their outcomes.</param>
/// <param name="Complete">
/// False when some evidence could not be fetched (a server did not answer): the node tries again until its decision
/// margin, then votes on what it has.
/// </param>
internal sealed record Judgment(byte Vote, string Rule, IReadOnlyList<string> Reasons, bool Complete)
{
    public const byte Upheld = 1;
    public const byte Rejected = 2;

    /// <summary>The opposite vote (the test switch of a dishonest node).</summary>
    public Judgment Inverted() => this with
    {
        Vote = Vote == Upheld ? Rejected : Upheld,
        Rule = "inverted by Voting:InvertVotesForTesting: " + Rule,
    };
}

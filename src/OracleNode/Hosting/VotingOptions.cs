namespace OracleNode.Hosting;

/// <summary>How the node judges and votes (section <c>Voting</c>).</summary>
internal sealed class VotingOptions
{
    public const string Section = "Voting";

    /// <summary>Whether the node votes in the rounds it sits in (off: it only keeps disputes moving and reports prices).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Evidence that could not be fetched is fetched again until this long before the commit deadline; then the node
    /// decides with what it has (missing evidence is not proven) and commits (docs/protocol.md §8.4).
    /// </summary>
    public TimeSpan DecisionMargin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A seat whose commit or reveal is not done this long before its deadline raises a warning.</summary>
    public TimeSpan DeadlineWarning { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Test switch: vote the opposite of what the evidence says. Refused on every chain but the local ones
    /// (31337, 1337); the soundness benchmark and the slashing tests use it to play a dishonest oracle.
    /// </summary>
    public bool InvertVotesForTesting { get; set; }

    /// <summary>
    /// Test switch: the process kills itself (SIGKILL, no shutdown) right after a step of its first vote — <c>journal</c>
    /// (vote and salt written, commit not sent) or <c>commit</c> (commit mined, reveal not sent) — to prove that a crash
    /// at that point loses nothing. Refused on every chain but the local ones.
    /// </summary>
    public string? CrashAfterForTesting { get; set; }
}

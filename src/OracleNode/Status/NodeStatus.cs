namespace OracleNode.Status;

/// <summary>What <c>oracle-node status</c> shows (and prints as JSON with <c>--json</c>).</summary>
internal sealed record NodeStatus(
    string Address,
    ulong ChainId,
    string Store,
    AccountStatus Account,
    IReadOnlyList<DisputeStatus> Disputes,
    IReadOnlyList<AlertStatus> Alerts,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> PriceReports);

/// <summary>The node's stake and money.</summary>
internal sealed record AccountStatus(string Stake, string Locked, string Unstaking, DateTimeOffset? UnstakableAt, string Vpn, string Eth, string Claimable, string Rewards, string Slashed, bool IsOracle);

/// <summary>One dispute as the node sees it.</summary>
internal sealed record DisputeStatus(ulong DisputeId, ulong SessionId, string Claim, uint RuleId, string Phase, int Round, string Ruling, IReadOnlyList<SeatStatus> Seats);

/// <summary>The node's seat(s) in one round, its vote and why.</summary>
internal sealed record SeatStatus(int Round, int Seats, string Vote, string State, string? Rule, IReadOnlyList<string> Reasons, string? Reward, string? Slashed);

/// <summary>An alert.</summary>
internal sealed record AlertStatus(DateTimeOffset At, string Kind, long? DisputeId, long? Round, string Message);

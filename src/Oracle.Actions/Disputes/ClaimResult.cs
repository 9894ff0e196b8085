using Oracle.Actions.Units;

namespace Oracle.Actions.Disputes;

/// <summary>What a claim collected.</summary>
/// <param name="Rewards">Juror rewards claimed (credited, then withdrawn), by round.</param>
/// <param name="Withdrawn">VPN withdrawn to the account (rulings' credits and rewards).</param>
/// <param name="TransactionHashes">The transactions sent.</param>
public sealed record ClaimResult(IReadOnlyList<RoundReward> Rewards, TokenAmount Withdrawn, IReadOnlyList<string> TransactionHashes);

/// <summary>A juror reward claimed.</summary>
/// <param name="Round">The round.</param>
/// <param name="Amount">The reward.</param>
public sealed record RoundReward(int Round, TokenAmount Amount);

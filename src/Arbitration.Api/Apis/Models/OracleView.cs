namespace Arbitration.Api.Apis.Models;

/// <summary>A staked oracle.</summary>
/// <param name="Address">The oracle.</param>
/// <param name="Stake">Stake (VPN base units), drawn with this weight.</param>
/// <param name="Locked">Stake locked by committee seats.</param>
/// <param name="Unstaking">Stake leaving after the unbonding delay.</param>
/// <param name="UnstakableAt">When it may be withdrawn.</param>
/// <param name="Slashed">Stake slashed for incoherent or missing votes.</param>
/// <param name="Rewards">Rewards claimed.</param>
/// <param name="PriceReports">Price reports it made.</param>
/// <param name="Votes">Its voting record.</param>
public sealed record OracleView(string Address, string Stake, string Locked, string Unstaking, long? UnstakableAt, string Slashed, string Rewards,
    int PriceReports, OracleVotes Votes);

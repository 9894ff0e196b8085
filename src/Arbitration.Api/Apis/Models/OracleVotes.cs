namespace Arbitration.Api.Apis.Models;

/// <summary>An oracle's voting record over rounds whose reveal phase is over.</summary>
/// <param name="Rounds">Rounds it held seats in.</param>
/// <param name="Seats">Seats it held.</param>
/// <param name="Revealed">Seats it revealed.</param>
/// <param name="Coherent">Seats that voted with the round's majority.</param>
/// <param name="CoherenceRate">Coherent seats over seats held (null before any).</param>
public sealed record OracleVotes(int Rounds, int Seats, int Revealed, int Coherent, double? CoherenceRate);

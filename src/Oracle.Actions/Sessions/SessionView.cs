using Oracle.Actions.Units;
using Oracle.Chain.Model;

namespace Oracle.Actions.Sessions;

/// <summary>A session: its terms as opened (the audit trail) and its state now.</summary>
/// <param name="SessionId">The id.</param>
/// <param name="Client">Who opened it and signs vouchers.</param>
/// <param name="Provider">The gateway operator.</param>
/// <param name="Deposit">The client's deposit.</param>
/// <param name="PricePerMiB">The price it opened with.</param>
/// <param name="Penalty">The most a ruling takes from the guilty party.</param>
/// <param name="CommitteeSize">Oracles judging a first-round dispute.</param>
/// <param name="Panel">The oracles both parties named (empty: drawn).</param>
/// <param name="PolicyHash">The policy the provider enforces.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="OpenedInBlock">The block it opened in.</param>
/// <param name="EndsAt">When it runs out (opened + the network's longest session).</param>
/// <param name="Status">Open, Closing or Closed.</param>
/// <param name="Paid">Paid to the provider so far.</param>
/// <param name="Penalized">Taken from the deposit by rulings.</param>
/// <param name="Remaining">What is left of the deposit for the provider's vouchers and the client's refund.</param>
/// <param name="OpenDisputes">Disputes that hold it open.</param>
/// <param name="ClosedAt">When it closed.</param>
/// <param name="CloseDeadline">The end of the challenge window of a client's close.</param>
public sealed record SessionView(ulong SessionId, string Client, string Provider, TokenAmount Deposit, TokenAmount PricePerMiB, TokenAmount Penalty, int CommitteeSize,
    IReadOnlyList<string> Panel, string PolicyHash, DateTimeOffset OpenedAt, ulong OpenedInBlock, DateTimeOffset EndsAt, SessionStatus Status, TokenAmount Paid,
    TokenAmount Penalized, TokenAmount Remaining, int OpenDisputes, DateTimeOffset? ClosedAt, DateTimeOffset? CloseDeadline);

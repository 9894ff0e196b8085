using Oracle.Actions.Units;

namespace Oracle.Actions.Sessions;

/// <summary>What a client chooses when it opens a session.</summary>
/// <param name="Provider">The provider's address.</param>
/// <param name="Deposit">VPN locked for the session: what vouchers pay from; the rest comes back.</param>
/// <param name="Penalty">The most a ruling takes from the party at fault (at most the deposit).</param>
/// <param name="CommitteeSize">Oracles drawn for a first-round dispute (odd, 3 up to the network's maximum; default 3).</param>
/// <param name="Panel">Instead of a drawn committee: oracles both parties named (its length is the committee size); with
/// <paramref name="PanelAcceptance"/>, the accepted panel (the client states what it agrees to).</param>
/// <param name="PanelAcceptance">The provider's signed acceptance of the panel (<c>oracle provider accept-panel</c>): a named
/// panel opens only with it (for this panel and <paramref name="Penalty"/>), and the client's own acceptance is the
/// transaction.</param>
public sealed record OpenSessionRequest(string Provider, TokenAmount Deposit, TokenAmount? Penalty = null, int? CommitteeSize = null, IReadOnlyList<string>? Panel = null,
    PanelAcceptanceDocument? PanelAcceptance = null);

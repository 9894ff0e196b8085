using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;

namespace Oracle.Chain.Sessions;

/// <summary>A session as opened: its id, the hash-committed terms every call passes, the named panel and where it opened.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Terms">The terms, as SessionManager calls take them.</param>
/// <param name="Panel">The oracles both parties named (empty when the committee is drawn).</param>
/// <param name="BlockNumber">The block the session opened in.</param>
public sealed record SessionRecord(ulong SessionId, Session Terms, IReadOnlyList<string> Panel, ulong BlockNumber)
{
    /// <summary>Builds the record from a <c>SessionOpened</c> event.</summary>
    public static SessionRecord FromEvent(SessionOpenedEvent e, ulong blockNumber)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new SessionRecord(
            e.SessionId,
            new Session
            {
                Client = e.Client,
                Provider = e.Provider,
                Deposit = e.Deposit,
                PricePerMiB = e.PricePerMiB,
                Penalty = e.Penalty,
                CommitteeSize = e.CommitteeSize,
                OpenedAt = e.OpenedAt,
                PolicyHash = e.PolicyHash,
                PanelHash = e.PanelHash,
            },
            e.Panel,
            blockNumber);
    }
}

using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Events;

namespace Oracle.Chain.Sessions;

/// <summary>
/// Finds a session's terms (hash-committed on-chain) from its <c>SessionOpened</c> event and checks them against the
/// contract, so gateways, clients and the dispute services can pass them to every call. The event is searched
/// backwards from the head in bounded ranges (<see cref="LogRangeReader"/>), so a recent session costs one log query.
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="sessionManager">The SessionManager's address.</param>
/// <param name="fromBlock">Where to stop looking (the SessionManager's deployment block).</param>
/// <param name="maxRange">The most blocks one log query covers.</param>
public sealed class SessionReader(IWeb3 web3, string sessionManager, ulong fromBlock = 0, ulong maxRange = LogRangeReader.DefaultMaxRange)
{
    private readonly SessionManagerService _service = new(web3, sessionManager);
    private readonly LogRangeReader _logs = new(web3, maxRange);

    /// <summary>The session's record and current state, or <see langword="null"/> when no such session was opened.</summary>
    /// <exception cref="InvalidDataException">The event's terms do not match the contract's commitment (a node returning wrong logs).</exception>
    public async Task<(SessionRecord Record, SessionState State)?> FindAsync(ulong sessionId, CancellationToken cancellationToken = default)
    {
        // A session the contract never opened needs no log search.
        var state = (await _service.SessionStateQueryAsync(sessionId, null, cancellationToken)).State;
        if (state.Status == (byte)Model.SessionStatus.None)
        {
            return null;
        }

        var opened = web3.Eth.GetEvent<SessionOpenedEvent>(sessionManager);
        var log = await _logs.FindLastAsync(opened.CreateFilterInput(sessionId), fromBlock, await _logs.HeadAsync(cancellationToken), cancellationToken);
        if (log is null)
        {
            return null;
        }

        var record = SessionRecord.FromEvent(log.DecodeEvent<SessionOpenedEvent>().Event, (ulong)log.BlockNumber.Value);
        if (!await _service.IsSessionQueryAsync(sessionId, record.Terms, null, cancellationToken))
        {
            throw new InvalidDataException($"the SessionOpened event of session {sessionId} does not match the SessionManager's commitment");
        }

        return (record, state);
    }
}

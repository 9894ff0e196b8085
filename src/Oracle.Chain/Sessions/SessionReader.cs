using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;

namespace Oracle.Chain.Sessions;

/// <summary>
/// Finds a session's terms (hash-committed on-chain) from its <c>SessionOpened</c> event and checks them against the
/// contract, so gateways, clients and the dispute services can pass them to every call.
/// </summary>
/// <param name="web3">A connection.</param>
/// <param name="sessionManager">The SessionManager's address.</param>
/// <param name="fromBlock">Where to start looking (the SessionManager's deployment block).</param>
public sealed class SessionReader(IWeb3 web3, string sessionManager, ulong fromBlock = 0)
{
    private readonly SessionManagerService _service = new(web3, sessionManager);

    /// <summary>The session's record and current state, or <see langword="null"/> when no such session was opened.</summary>
    /// <exception cref="InvalidDataException">The event's terms do not match the contract's commitment (a node returning wrong logs).</exception>
    public async Task<(SessionRecord Record, SessionState State)?> FindAsync(ulong sessionId, CancellationToken cancellationToken = default)
    {
        var opened = web3.Eth.GetEvent<SessionOpenedEvent>(sessionManager);
        var filter = opened.CreateFilterInput(sessionId, new BlockParameter(new HexBigInteger(fromBlock)), BlockParameter.CreateLatest());
        var logs = await opened.GetAllChangesAsync(filter).WaitAsync(cancellationToken);
        if (logs.Count == 0)
        {
            return null;
        }

        var record = SessionRecord.FromEvent(logs[0].Event, (ulong)logs[0].Log.BlockNumber.Value);
        if (!await _service.IsSessionQueryAsync(sessionId, record.Terms, null, cancellationToken))
        {
            throw new InvalidDataException($"the SessionOpened event of session {sessionId} does not match the SessionManager's commitment");
        }

        var state = await _service.SessionStateQueryAsync(sessionId, null, cancellationToken);
        return (record, state.State);
    }
}

using System.Collections.Concurrent;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Sessions;
using Oracle.Chain.Transactions;
using Oracle.Core.Evidence;

namespace VpnGateway.Settlement;

/// <summary>
/// The SessionManager as settlement sees it: sessions' terms (read once, from their SessionOpened event) and state, the
/// chain's time, and the four transactions, sent through the gateway's one <see cref="ITransactionSender"/>.
/// </summary>
internal sealed class SettlementChain(ITransactionSender sender, string sessionManager, ulong fromBlock = 0, ulong maxLogRange = Oracle.Chain.Events.LogRangeReader.DefaultMaxRange)
{
    private readonly SessionReader _reader = new(sender.Web3, sessionManager, fromBlock, maxLogRange);
    private readonly SessionManagerService _service = new(sender.Web3, sessionManager);
    private readonly Oracle.Chain.Events.LogRangeReader _logs = new(sender.Web3, maxLogRange);
    private readonly ConcurrentDictionary<ulong, SessionRecord> _records = new();
    private ulong? _maxSessionDuration;

    /// <summary>The account that sends (the gateway's operator address).</summary>
    public string Account => sender.Address;

    /// <summary>The SessionManager's address.</summary>
    public string SessionManager => sessionManager;

    /// <summary>The session's terms and current state, or null when the SessionManager never opened it.</summary>
    public async Task<(SessionRecord Record, SessionState State)?> FindAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_records.TryGetValue(sessionId, out var record))
        {
            return (record, (await _service.SessionStateQueryAsync(sessionId, null, cancellationToken).ConfigureAwait(false)).State);
        }

        var found = await _reader.FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (found is { } f)
        {
            _records[sessionId] = f.Record;
        }

        return found;
    }

    /// <summary>
    /// What the provider was paid for the session in all once it is closed: the settled part (<c>sessionState.paid</c>,
    /// which a close leaves as it is) plus the close's own payment (its <c>SessionClosed</c> event); null when no close is found.
    /// </summary>
    public async Task<System.Numerics.BigInteger?> PaidInAllAsync(ulong sessionId, SessionState state, CancellationToken cancellationToken)
    {
        var closed = sender.Web3.Eth.GetEvent<SessionClosedEvent>(sessionManager);
        var log = await _logs.FindLastAsync(closed.CreateFilterInput(sessionId), fromBlock, await _logs.HeadAsync(cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return log is null ? null : state.Paid + log.DecodeEvent<SessionClosedEvent>().Event.PaidToProvider;
    }

    /// <summary>The SessionManager's <c>maxSessionDuration</c> (seconds; read once).</summary>
    public async Task<ulong> MaxSessionDurationAsync(CancellationToken cancellationToken)
        => _maxSessionDuration ??= await _service.MaxSessionDurationQueryAsync(null, cancellationToken).ConfigureAwait(false);

    /// <summary>The latest block's timestamp (Unix seconds): the time the contract compares deadlines with.</summary>
    public async Task<ulong> NowAsync(CancellationToken cancellationToken)
    {
        var block = await sender.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest())
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return (ulong)block.Timestamp.Value;
    }

    /// <summary><c>settleVoucher</c>: pays the provider what <paramref name="voucher"/> adds to what was paid.</summary>
    public Task<TransactionResult> SettleAsync(SessionRecord record, SignedVoucher voucher, CancellationToken cancellationToken)
    {
        var (typed, signature) = ToContract(record.SessionId, voucher);
        return sender.TrySendAsync(sessionManager, new SettleVoucherFunction { SessionId = record.SessionId, Session = record.Terms, Voucher = typed, Signature = signature },
            cancellationToken);
    }

    /// <summary><c>closeSession</c> (the provider): pays <paramref name="voucher"/> (none: what was paid stands) and refunds the rest.</summary>
    public Task<TransactionResult> CloseAsync(SessionRecord record, SignedVoucher? voucher, CancellationToken cancellationToken)
    {
        var (typed, signature) = ToContract(record.SessionId, voucher);
        return sender.TrySendAsync(sessionManager, new CloseSessionFunction { SessionId = record.SessionId, Session = record.Terms, Voucher = typed, Signature = signature },
            cancellationToken);
    }

    /// <summary><c>startClose</c> (the client).</summary>
    public Task<TransactionResult> StartCloseAsync(SessionRecord record, CancellationToken cancellationToken)
        => sender.TrySendAsync(sessionManager, new StartCloseFunction { SessionId = record.SessionId, Session = record.Terms }, cancellationToken);

    /// <summary><c>finalizeClose</c> (anyone, after the challenge window).</summary>
    public Task<TransactionResult> FinalizeCloseAsync(SessionRecord record, CancellationToken cancellationToken)
        => sender.TrySendAsync(sessionManager, new FinalizeCloseFunction { SessionId = record.SessionId, Session = record.Terms }, cancellationToken);

    // A close without a voucher passes one of amount 0, which the contract does not check (it needs no signature).
    private static (Voucher Voucher, byte[] Signature) ToContract(ulong sessionId, SignedVoucher? voucher)
    {
        if (voucher is null)
        {
            return (new Voucher { SessionId = sessionId, LogRoot = new byte[32] }, []);
        }

        var typed = voucher.ToVoucher(sessionId);
        return (new Voucher
        {
            SessionId = sessionId,
            CumulativeAmount = typed.CumulativeAmount,
            CumulativeBytes = typed.CumulativeBytes,
            LogSize = typed.LogSize,
            LogRoot = typed.LogRoot,
        }, voucher.Signature.HexToByteArray());
    }
}

using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nethereum.Util;
using Oracle.Chain;
using Oracle.Chain.Errors;
using Oracle.Chain.Events;
using Oracle.Chain.Model;
using Oracle.Chain.Sessions;
using Oracle.Chain.Transactions;
using VpnGateway.Metering;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace VpnGateway.Settlement;

/// <summary>
/// The provider's side of settlement (docs/protocol.md §7.2, docs/gateway.md "Settlement"): for every on-chain session
/// this gateway metered, it redeems the latest voucher the spool keeps —
/// <list type="bullet">
/// <item>when the session ended here (or ran out): <c>closeSession</c> with it, which pays it and refunds the rest of the
/// deposit to the client;</item>
/// <item>when the client started a unilateral close (<c>CloseStarted</c>, followed by a <see cref="ChainWatcher"/>): ends
/// the tunnel session and answers with <c>closeSession</c> (or <c>settleVoucher</c> while a dispute is open) before the
/// challenge window ends, so an old voucher the client settled is replaced by the latest;</item>
/// <item>while it runs: <c>settleVoucher</c> once the unredeemed amount reaches <see cref="SettlementOptions.Threshold"/>,
/// and before <c>maxSessionDuration</c> (<see cref="SettlementOptions.SettleBeforeExpiry"/>).</item>
/// </list>
/// Restart-safe: the spool records the transaction under way before it is sent and what the chain paid after; the chain
/// is asked again before every decision, and the contract pays a voucher's amount once however often it is redeemed.
/// </summary>
internal sealed class ProviderSettlement : BackgroundService
{
    private readonly EvidenceSpool _spool;
    private readonly SettlementChain _chain;
    private readonly SettlementOptions _options;
    private readonly Func<ulong, bool> _isProviding;
    private readonly ISessionTerminator? _terminator;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task<ChainWatcher?>>? _watcher;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly BigInteger _threshold;
    private readonly MeteringMetrics? _metrics;

    public ProviderSettlement(EvidenceSpool spool, SettlementChain chain, SettlementOptions options, Func<ulong, bool> isProviding, ISessionTerminator? terminator,
        TimeProvider time, ILogger<ProviderSettlement> logger, Func<CancellationToken, Task<ChainWatcher?>>? watcher = null, MeteringMetrics? metrics = null)
    {
        _metrics = metrics;
        _spool = spool;
        _chain = chain;
        _options = options;
        _isProviding = isProviding;
        _terminator = terminator;
        _time = time;
        _logger = logger;
        _watcher = watcher;
        _threshold = options.ThresholdAmount;
        _spool.SessionEnded += _ => Wake();
    }

    /// <summary>Looks at the sessions now rather than at the next interval (a session ended, a client's close came).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>One pass over the sessions due; returns how many transactions succeeded. The loop calls it, tests call it directly.</summary>
    public async Task<int> SettleOnceAsync(CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = _spool.OpenSettlements(SettlementRole.Provider, nowMs);
        if (due.Count == 0)
        {
            return 0;
        }

        // The later of the chain's latest block and this clock: a quiet local chain mines no block to move its time.
        var chainNow = Math.Max(await _chain.NowAsync(cancellationToken).ConfigureAwait(false), (ulong)_time.GetUtcNow().ToUnixTimeSeconds());
        var sent = 0;
        foreach (var entry in due)
        {
            try
            {
                sent += await SettleAsync(entry, chainNow, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException && (ChainErrors.IsUnavailable(e) || ChainErrors.IsTransient(e)
                || e is TransactionRejectedException or TimeoutException or InvalidDataException))
            {
                Fail(entry, e.Message, "chain");
            }
        }

        return sent;
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The tunnel stopped first and ended its sessions: close them now, within the host's shutdown time. What does not
        // finish stays in the spool (ended, the transaction under way) and is done at the next start.
        try
        {
            await SettleOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning("settlement: the last pass before stopping did not finish ({Message}); the next start continues it", e.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task watching = Task.CompletedTask;
        if (_watcher is not null)
        {
            try
            {
                if (await _watcher(stoppingToken).ConfigureAwait(false) is { } watcher)
                {
                    watching = WatchAsync(watcher, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError(e, "settlement: cannot follow clients' closes on-chain ({Message}); open sessions are still looked at every {Interval}", e.Message, _options.Interval);
            }
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SettleOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning("settlement pass failed: {Message}", e.Message);
                }

                await _wake.WaitAsync(_options.Interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        try
        {
            await watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // The watcher retries what the node fails; should it stop all the same, the sessions are still looked at every
    // interval (a client's close is then seen in the session's state), and the gateway keeps serving.
    private async Task WatchAsync(ChainWatcher watcher, CancellationToken stoppingToken)
    {
        try
        {
            await watcher.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "settlement: following clients' closes on-chain stopped ({Message}); open sessions are still looked at every {Interval}", e.Message, _options.Interval);
        }
    }

    private async Task<bool> SettleAsync(SettlementEntry entry, ulong chainNow, CancellationToken cancellationToken)
    {
        var id = entry.SessionId;
        var found = await _chain.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (found is not { } f)
        {
            _logger.LogWarning("settlement: session {Session} was not opened in the SessionManager at {Manager}; not settled on-chain", id, _chain.SessionManager);
            _spool.DropSettlement(id, "not opened in the SessionManager");
            return false;
        }

        var (record, state) = f;
        if (!AddressUtil.Current.AreAddressesTheSame(record.Terms.Provider, _chain.Account))
        {
            _spool.DropSettlement(id, $"its provider is {record.Terms.Provider}, not {_chain.Account}");
            return false;
        }

        if (entry.PendingAction is { } pending)
        {
            // The process stopped while this was under way: the chain says what came of it.
            _logger.LogInformation("settlement: session {Session}: a {Action} of {Amount} was under way when the gateway stopped; the SessionManager has paid {Paid} since",
                id, pending, entry.PendingAmount, state.Paid);
        }

        var status = (SessionStatus)state.Status;
        if (status == SessionStatus.Closed)
        {
            var paidInAll = await _chain.PaidInAllAsync(id, state, cancellationToken).ConfigureAwait(false) ?? state.Paid;
            _spool.RecordChainState(id, paidInAll, closed: true, transactionHash: null);
            _logger.LogInformation("settlement: session {Session} is closed on-chain; the provider was paid {Paid} in all", id, paidInAll);
            return false;
        }

        var voucher = entry.Voucher;
        var amount = entry.VoucherAmount;
        var unredeemed = amount > state.Paid ? amount - state.Paid : BigInteger.Zero;
        var endsAt = record.Terms.OpenedAt + await _chain.MaxSessionDurationAsync(cancellationToken).ConfigureAwait(false);
        var providing = _isProviding(id);
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var interval = nowMs + (long)_options.Interval.TotalMilliseconds;

        if (status == SessionStatus.Closing)
        {
            if (chainNow >= state.CloseDeadline)
            {
                // Too late to answer: anyone finalizes (the client gets what was not paid back); this records the stop.
                return state.OpenDisputes == 0
                    && await SendAsync(entry, record, "finalize", state.Paid, () => _chain.FinalizeCloseAsync(record, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            if (providing)
            {
                // The client is closing the session: its tunnel ends too (the ending exchanges the last voucher), and the
                // answer follows once it is gone — unless the window would end first.
                _terminator?.Terminate(id, "the client started closing the session on-chain", refuseReconnection: true);
                if (state.CloseDeadline - chainNow > 2 * (ulong)Math.Max(1, _options.Interval.TotalSeconds))
                {
                    _spool.PostponeSettlement(id, nowMs + 1000);
                    return false;
                }
            }

            if (state.OpenDisputes == 0)
            {
                _logger.LogInformation("settlement: session {Session}: the client started closing it; answering with the latest voucher ({Amount}, {Paid} paid so far)", id, amount, state.Paid);
                return await SendAsync(entry, record, "close", BigInteger.Max(amount, state.Paid), () => _chain.CloseAsync(record, voucher, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            if (unredeemed > 0)
            {
                return await SendAsync(entry, record, "settle", amount, () => _chain.SettleAsync(record, voucher!, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            _spool.PostponeSettlement(id, interval);
            return false;
        }

        var ended = entry.Ended
            || (!providing && _spool.SessionEndedAt(id) is { } endedMs && nowMs - endedMs >= (long)_options.EndedGrace.TotalMilliseconds)
            || (!providing && chainNow >= endsAt);
        if (ended)
        {
            if (state.OpenDisputes == 0)
            {
                return await SendAsync(entry, record, "close", BigInteger.Max(amount, state.Paid), () => _chain.CloseAsync(record, voucher, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            // A dispute holds the session open: redeem what can be (until it expires) and close once it is ruled.
            if (unredeemed > 0 && chainNow < endsAt)
            {
                return await SendAsync(entry, record, "settle", amount, () => _chain.SettleAsync(record, voucher!, cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            _spool.PostponeSettlement(id, interval);
            return false;
        }

        var nearExpiry = chainNow + (ulong)_options.SettleBeforeExpiry.TotalSeconds >= endsAt;
        if (unredeemed > 0 && chainNow < endsAt && ((_threshold > 0 && unredeemed >= _threshold) || nearExpiry))
        {
            _logger.LogInformation("settlement: session {Session}: redeeming the latest voucher ({Amount}; {Unredeemed} unredeemed{Why})", id, amount, unredeemed,
                nearExpiry ? ", the session nears its maximum duration" : string.Empty);
            return await SendAsync(entry, record, "settle", amount, () => _chain.SettleAsync(record, voucher!, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        _spool.PostponeSettlement(id, interval);
        return false;
    }

    private async Task<bool> SendAsync(SettlementEntry entry, SessionRecord record, string action, BigInteger amount, Func<Task<TransactionResult>> send, CancellationToken cancellationToken)
    {
        var id = entry.SessionId;
        _spool.BeginSettlementTransaction(id, action, amount, _time.GetUtcNow().ToUnixTimeMilliseconds());
        var result = await send().ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            Fail(entry, $"{action} reverted: {result.Error}", action);
            return false;
        }

        var state = (await _chain.FindAsync(id, cancellationToken).ConfigureAwait(false))?.State;
        var closed = state is not null && (SessionStatus)state.Status == SessionStatus.Closed;
        var paid = state is null ? amount : closed ? await _chain.PaidInAllAsync(id, state, cancellationToken).ConfigureAwait(false) ?? state.Paid : state.Paid;
        _spool.RecordChainState(id, paid, closed, result.TransactionHash);
        _metrics?.Add(MeteringCounters.SettlementTransactions, reason: action);
        _logger.LogInformation("settlement: session {Session}: {Action} confirmed (tx {Transaction}); the provider has been paid {Paid}{Closed}", id, action,
            result.TransactionHash, paid, closed ? " and the session is closed" : string.Empty);
        return true;
    }

    private void Fail(SettlementEntry entry, string error, string reason)
    {
        _metrics?.Add(MeteringCounters.SettlementFailures, reason: reason);
        var delay = _options.RetryDelay * Math.Pow(2, Math.Min(entry.Attempts, 16));
        if (delay > _options.MaxRetryDelay)
        {
            delay = _options.MaxRetryDelay;
        }

        _logger.LogWarning("settlement: session {Session}: {Error}; trying again in {Delay}", entry.SessionId, error, delay);
        _spool.FailSettlement(entry.SessionId, error, _time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds());
    }
}

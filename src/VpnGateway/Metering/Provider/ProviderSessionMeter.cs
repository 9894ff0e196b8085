using System.Numerics;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Exchange;
using VpnGateway.Metering.Flows;
using VpnGateway.Metering.Sessions;

namespace VpnGateway.Metering.Provider;

/// <summary>
/// Metering of one session on the provider's gateway: capture and denials feed the flow table; every epoch the closed
/// records are appended to the session's evidence log, the checkpoint is signed, the batch spooled (durably, before
/// anything else sees it) and the epoch sent to the client. The client's vouchers are checked and attached to their
/// batches; a client that leaves a checkpoint without a valid voucher for <see cref="MeteringOptions.VoucherGrace"/> is cut off.
/// </summary>
internal sealed partial class ProviderSessionMeter : IAsyncDisposable
{
    private readonly MeteredSession _session;
    private readonly MeteringContext _context;
    private readonly IEvidenceChannel _channel;
    private readonly SessionEvidenceLog _log;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<FlowRecord> _pending = [];
    private readonly List<CompiledPolicy> _policies = [];
    private readonly RecordSealer _sealer;
    private readonly EvidenceKeyMessage _evidenceKey;
    private readonly List<(ulong TreeSize, long SignedAtMs)> _awaiting = [];
    private readonly ulong _dropsBase;
    private readonly long _epochMs;
    private CaptureAttachment? _capture;
    private IDisposable? _subscription;
    private long _nextEpochMs;
    private ulong _lastVoucherSize;
    private ulong _lastRefusedSize;
    private BigInteger _lastVoucherAmount;
    private bool _cutOff;
    private bool _keyDelivered;
    private bool _ended;
    private bool _closed;

    private ProviderSessionMeter(MeteredSession session, IEvidenceChannel channel, MeteringContext context)
    {
        _session = session;
        _context = context;
        _channel = channel;
        _logger = context.Loggers.CreateLogger<ProviderSessionMeter>();
        _epochMs = (long)context.Options.EpochInterval.TotalMilliseconds;
        Flows = new SessionFlowMeter(session.SessionId, new PrefixSet(session.ClientPrefixes), context.Options.Flows,
            capturesInboundBeforePolicy: session.InterfaceName is not null);
        if (session.Policy is { } policy)
        {
            _policies.Add(CompiledPolicy.Compile(policy, session.PolicyContext ?? PolicyContext.Empty));
        }
        var snapshot = context.Spool.LoadSession(session.SessionId);
        _log = new SessionEvidenceLog(session.SessionId, snapshot);

        // The session's evidence key: made with its log, durable before anything is sealed with it, never changed.
        var (key, keySignature) = context.Spool.EvidenceKey(session.SessionId) ?? context.Spool.KeepEvidenceKey(session.SessionId, RecordSealer.NewKey(), "", NowMs);
        if (keySignature.Length == 0)
        {
            keySignature = context.Signer.Sign(EvidenceKeyCommitment.Message(session.SessionId, key));
            (key, keySignature) = context.Spool.ReplaceEvidenceKeySignature(session.SessionId, keySignature);
        }

        _sealer = new RecordSealer(key, context.ChainId, context.Domain.VerifyingContract, session.SessionId);
        _evidenceKey = new EvidenceKeyMessage(session.SessionId, key, keySignature);
        var now = NowMs;
        _nextEpochMs = now + _epochMs;
        if (snapshot is not null)
        {
            // Continuing after a restart: the capture counts from zero again, the log and the unpaid checkpoints do not.
            _dropsBase = snapshot.LastCaptureDrops;
            _lastVoucherSize = snapshot.LastVoucherLogSize;
            _keyDelivered = snapshot.LastVoucherLogSize > 0;
            foreach (var (size, _) in snapshot.Checkpoints)
            {
                if (size > _lastVoucherSize)
                {
                    _awaiting.Add((size, now));
                }
            }
        }
    }

    public ulong SessionId => _session.SessionId;

    /// <summary>The session's flows (the denial sink feeds denied packets here).</summary>
    public SessionFlowMeter Flows { get; }

    /// <summary>Whether every checkpoint sent has been paid for by a voucher.</summary>
    public bool IsSettled => _awaiting.Count == 0;

    public ulong TreeSize => _log.TreeSize;

    /// <summary>Whether <see cref="CloseAsync"/> ran (capture stopped, every flow in a last checkpoint).</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>The capture's counters, when the session has an interface (readable after <see cref="CloseAsync"/> too).</summary>
    public CaptureStatistics? CaptureStatistics => _capture?.Statistics;

    private long NowMs => _context.Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts metering <paramref name="session"/>: capture (when it has an interface) and the control channel.</summary>
    public static async Task<ProviderSessionMeter> StartAsync(MeteredSession session, IEvidenceChannel channel, MeteringContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(context);
        var meter = new ProviderSessionMeter(session, channel, context);
        meter._subscription = channel.Subscribe(meter.HandleAsync);
        meter._capture = context.AttachCapture(session, meter.Flows);

        await meter.ResendLastUnpaidAsync(cancellationToken);
        return meter;
    }

    /// <summary>
    /// The provider's protected networks changed during the session (the tunnel enforces a new context and declares it in
    /// SessionInfo again): records agreeing with it are signed too.
    /// </summary>
    public async Task AddPolicyContextAsync(PolicyContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_session.Policy is not { } policy)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            _policies.Add(CompiledPolicy.Compile(policy, context));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes timed-out flows; at the end of an epoch signs and spools a checkpoint; cuts off a client that does not pay.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = NowMs;
            Flows.Expire(now, _pending);
            Flows.ReportTo(_context.Metrics);
            if (now >= _nextEpochMs)
            {
                // Open flows' counters too (issue 10, item 6): a crash loses at most this epoch.
                Flows.ExportOpen(_pending);
                await CloseEpochAsync(now, cancellationToken);
                _nextEpochMs = now + _epochMs;
            }

            EnforceGrace(now);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops capture, closes every open flow and signs a last checkpoint. <paramref name="sessionEnded"/>: the session is
    /// over (its log will not continue); otherwise the gateway is stopping and the session may resume after a restart.
    /// </summary>
    public async Task CloseAsync(bool sessionEnded, CancellationToken cancellationToken)
    {
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            Flows.Flush(FlowEndReason.ForcedEnd, _pending);
            await CloseEpochAsync(NowMs, cancellationToken);
            if (sessionEnded && !_ended)
            {
                _context.Spool.MarkEnded(SessionId, NowMs);
                _ended = true;
            }
            Volatile.Write(ref _closed, true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Waits until the client answered the last checkpoint sent (a voucher, or a refusal), or
    /// <paramref name="cancellationToken"/> is cancelled: the session's ending gives its last epoch this long.
    /// </summary>
    /// <returns>Whether the last checkpoint was answered.</returns>
    public async Task<bool> WaitForLastAnswerAsync(CancellationToken cancellationToken)
    {
        var target = _log.TreeSize;
        while (_session.ClientAddress is not null && target > 0
               && Volatile.Read(ref _lastVoucherSize) < target && Volatile.Read(ref _lastRefusedSize) < target)
        {
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _sealer.Dispose();
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }

        _subscription?.Dispose();
        _context.Metrics.RemoveCapture(SessionId);
        if (_ended)
        {
            // Settled: every checkpoint answered with a voucher, or none owed (a link pinned to a tunnel key only).
            var settled = _session.ClientAddress is null || Volatile.Read(ref _lastVoucherSize) >= _log.TreeSize;
            _context.Spool.EndSession(SessionId, NowMs, settled);
        }
    }

    /// <summary>
    /// The capture drops of this session so far (across gateway restarts): every drop of its device's capture while the
    /// session ran (on the provider's shared device an upper bound of its own: whose packets were lost cannot be told).
    /// </summary>
    private ulong CaptureDrops() => _dropsBase + (_capture?.Statistics.Dropped ?? 0);

    private async Task CloseEpochAsync(long now, CancellationToken cancellationToken)
    {
        // Never sign a record the session's policy contradicts. Inbound packets are captured before the policy decides
        // them; a denied one is taken back out of its allowed flow, but when a checkpoint falls between the capture and
        // the denial, its allowed flow was exported first: such a flow (a key the policy denies) was never carried.
        // A record agrees when some context the provider declared during the session gives its verdict (as the client judges).
        if (_policies.Count > 0)
        {
            _pending.RemoveAll(r =>
            {
                var tuple = r.ToPacketTuple();
                foreach (var policy in _policies)
                {
                    var decision = policy.Evaluate(tuple, r.Direction);
                    if (r.Verdict == FlowVerdict.Allowed ? decision.IsAllowed : !decision.IsAllowed && decision.RuleId == r.RuleId)
                    {
                        return false;
                    }
                }

                RecordRejected(r, "ContradictsPolicy");
                return true;
            });
        }

        var drops = CaptureDrops();
        var epochTime = (ulong)(now / 1000);
        var max = _context.Options.MaxRecordsPerCheckpoint;
        for (var start = 0; start < _pending.Count; start += max)
        {
            var closed = _log.Append(_pending, start, Math.Min(max, _pending.Count - start), epochTime, drops, RecordRejected);
            if (closed is null)
            {
                continue;
            }

            var signed = new SignedCheckpoint
            {
                TreeSize = closed.Checkpoint.TreeSize,
                Root = closed.Checkpoint.Root,
                EpochTime = closed.Checkpoint.EpochTime,
                CaptureDrops = closed.Checkpoint.CaptureDrops,
                Signature = _context.Signer.Sign(closed.Checkpoint),
            };
            // Published: the leaf hashes and the records sealed under the session's evidence key (docs/protocol.md §5.5).
            var batch = PublishedBatch.Of(closed, signed, _sealer, _context.ChainId, _context.Domain.VerifyingContract, _context.Signer.Address, _session.ClientAddress);

            // Durable first: the client never sees evidence the provider could lose.
            _context.Spool.AddCheckpoint(batch, closed.Records, closed.Sequence, closed.AllowedOctets, now + (long)_context.Options.VoucherGrace.TotalMilliseconds);
            _context.Metrics.Add(MeteringCounters.Records, closed.Records.Count);
            _context.Metrics.Add(MeteringCounters.Checkpoints);
            _awaiting.Add((signed.TreeSize, now));
            await SendEvidenceKeyAsync(cancellationToken);
            await SendAsync(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(new EpochMessage(SessionId, closed.Sequence, closed.FirstLeafIndex, closed.Records, signed)), cancellationToken);
        }

        _pending.Clear();
    }

    private void RecordRejected(FlowRecord record, string reason)
    {
        _context.Metrics.Add(MeteringCounters.RecordsRejected, reason: reason);
        _logger.Log(reason == "ContradictsPolicy" ? LogLevel.Debug : LogLevel.Warning, "session {Session}: flow record left out of the evidence ({Reason}): {Record}", SessionId, reason, record);
    }

    private void EnforceGrace(long now)
    {
        if (_cutOff || _closed || _session.ClientAddress is null || _awaiting.Count == 0 || now - _awaiting[0].SignedAtMs < (long)_context.Options.VoucherGrace.TotalMilliseconds)
        {
            return;
        }

        _cutOff = true;
        _context.Metrics.Add(MeteringCounters.SessionsCutOff);
        var reason = $"no valid voucher for the checkpoint of tree size {_awaiting[0].TreeSize} within {_context.Options.VoucherGrace.TotalSeconds:0.#} s";
        _logger.LogWarning("session {Session}: cutting the client off: {Reason}", SessionId, reason);

        // The tunnel ends the session in the background (its ending closes this meter's last epoch), and refuses the
        // session's reconnection: otherwise each reconnection would buy another grace period.
        if (!_context.Terminator.Terminate(SessionId, reason, refuseReconnection: true))
        {
            _logger.LogWarning("session {Session}: the tunnel has no such session to end", SessionId);
        }
    }

    // After a restart the client may have paid for the last checkpoint while this gateway was down: send it again; the
    // client answers a repeat of its last epoch with the same voucher.
    private async Task ResendLastUnpaidAsync(CancellationToken cancellationToken)
    {
        if (_awaiting.Count == 0 || _context.Spool.Find(SessionId, _log.TreeSize) is not { } spooled)
        {
            return;
        }

        var (batch, records) = spooled;
        await SendEvidenceKeyAsync(cancellationToken);
        await SendAsync(EvidenceMessageType.Epoch, EvidenceMessageCodec.Encode(new EpochMessage(SessionId, _log.Sequence, batch.FirstLeafIndex, records, batch.Checkpoint)), cancellationToken);
    }

    // Right before an epoch on the same ordered channel, until the client paid one (its voucher shows it holds the key): a
    // key sent at the session's start could arrive before the client's metering listens, and would be lost.
    private async Task SendEvidenceKeyAsync(CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _keyDelivered) && _session.ClientAddress is not null)
        {
            await SendAsync(EvidenceMessageType.EvidenceKey, EvidenceMessageCodec.Encode(_evidenceKey), cancellationToken);
        }
    }

    private async Task SendAsync(EvidenceMessageType type, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.SendAsync(type, payload, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The batch is spooled; an unanswered checkpoint ends in a cut-off after the grace.
            _logger.LogWarning("session {Session}: could not send {Type} to the client: {Error}", SessionId, type, e.Message);
        }
    }
}

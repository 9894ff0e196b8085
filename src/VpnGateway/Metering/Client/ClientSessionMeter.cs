using Microsoft.Extensions.Logging;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Core.Merkle;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Exchange;
using VpnGateway.Metering.Flows;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering.Client;

/// <summary>
/// Metering of one session on the client's gateway: it meters its own side of the tunnel, checks every epoch of the
/// provider's evidence (order, encoding, the gateway's signature, the log's root, and the records against its own flows
/// within the tolerance) and answers with a signed voucher committing to that log size and root, or with a refusal.
/// Evidence that contradicts the client's own metering puts the session in dispute: the provider's signed epoch is
/// kept, the mismatch reported, no voucher is signed after it, and the session is ended.
/// </summary>
internal sealed class ClientSessionMeter : IAsyncDisposable
{
    private readonly MeteredSession _session;
    private readonly MeteringContext _context;
    private readonly IEvidenceChannel _channel;
    private readonly ILogger _logger;
    // An idle capture shows it is drained after two libpcap read timeouts (2 × 100 ms by default), a busy one sooner;
    // bounded, so a stalled capture never holds an epoch's answer for long.
    private static readonly TimeSpan EpochDrainTimeout = TimeSpan.FromMilliseconds(500);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FlowLedger _ledger = new();
    private readonly SessionLogVerifier _log;
    private readonly List<PolicyContext> _contexts;
    private readonly List<FlowRecord> _closed = [];
    private CaptureAttachment? _capture;
    private IDisposable? _subscription;
    private ulong _expectedSequence = 1;
    private TreeHead _paid = TreeHead.Empty;
    private byte[]? _evidenceKey;
    private byte[]? _lastAccepted;
    private byte[]? _lastVoucher;

    private ClientSessionMeter(MeteredSession session, IEvidenceChannel channel, MeteringContext context)
    {
        _session = session;
        _channel = channel;
        _context = context;
        _logger = context.Loggers.CreateLogger<ClientSessionMeter>();
        Flows = new SessionFlowMeter(session.SessionId, new PrefixSet(session.ClientPrefixes), context.Options.Flows);
        _log = new SessionLogVerifier(new SessionLogParties(session.SessionId, context.Domain, session.GatewayAddress, session.ClientAddress));
        _contexts = [session.PolicyContext ?? PolicyContext.Empty];
        _evidenceKey = context.Spool.EvidenceKey(session.SessionId)?.Key;
    }

    public ulong SessionId => _session.SessionId;

    /// <summary>The client's own flows.</summary>
    public SessionFlowMeter Flows { get; }

    /// <summary>Tests without a capture device: the packets the capture lost (a real session reads libpcap's counters).</summary>
    internal Func<ulong>? CaptureLoss { get; set; }

    /// <summary>Whether the client refuses the provider's evidence for good (a dispute, or evidence it cannot vouch for).</summary>
    public bool Disputed { get; private set; }

    /// <summary>The log size of the last voucher signed.</summary>
    public ulong PaidLogSize => _paid.Size;

    /// <summary>The root of the last voucher signed.</summary>
    public byte[] PaidLogRoot => _paid.Root;

    public static Task<ClientSessionMeter> StartAsync(MeteredSession session, IEvidenceChannel channel, MeteringContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        var meter = new ClientSessionMeter(session, channel, context);
        meter._subscription = channel.Subscribe(meter.HandleAsync);
        meter._capture = context.AttachCapture(session, meter.Flows);

        return Task.FromResult(meter);
    }

    /// <summary>Closes the client's own timed-out flows into its ledger.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Flows.Expire(_context.Time.GetUtcNow().ToUnixTimeMilliseconds(), _closed);
            Flows.ReportTo(_context.Metrics);
            _ledger.AddSeen(_closed);
            _closed.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_capture is not null)
        {
            await _capture.DisposeAsync();
        }

        _subscription?.Dispose();
        _context.Metrics.RemoveCapture(SessionId);
    }

    private async ValueTask HandleAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (type == EvidenceMessageType.EvidenceKey)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                KeepEvidenceKey(payload.Span);
            }
            finally
            {
                _gate.Release();
            }

            return;
        }

        if (type != EvidenceMessageType.Epoch)
        {
            _context.Metrics.Add(MeteringCounters.ControlMessagesRejected, reason: "UnexpectedType");
            _logger.LogWarning("session {Session}: message type {Type} is not for the client", SessionId, type);
            return;
        }

        // The provider records a packet its policy denied as soon as the packet arrives, and may checkpoint it at once;
        // this side sees its own copy through libpcap, which hands packets over up to its read timeout late. Everything
        // captured before the epoch arrived is in the flows before they are compared (else a packet sent just before an
        // epoch closed would look invented: UnknownFlow).
        if (_capture is { } capture)
        {
            await capture.DrainAsync(EpochDrainTimeout, cancellationToken);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (answerType, answer, dispute) = Answer(payload.Span);
            var end = dispute is { } d && KeepDispute(d.Rejection, d.Observed, payload.ToArray());
            if (_context.Options.WithholdVouchers && answerType == EvidenceMessageType.Voucher)
            {
                // Testing: a client that stopped paying (it meters and checks, but the provider never gets a voucher).
                _context.Metrics.Add(MeteringCounters.VouchersWithheld);
                _logger.LogWarning("session {Session}: withholding the voucher (Metering:WithholdVouchers)", SessionId);
            }
            else
            {
                try
                {
                    await _channel.SendAsync(answerType, answer, cancellationToken);
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
                {
                    _logger.LogWarning("session {Session}: could not answer epoch ({Error})", SessionId, e.Message);
                }
            }

            // After the refusal is on its way: the session's ending still carries it to the provider.
            if (end)
            {
                var why = dispute!.Value.Rejection.Reason == EpochRejectionReason.Unverifiable ? "provider evidence unverifiable" : "provider evidence mismatch";
                _context.Terminator.Terminate(SessionId, $"{why}: {dispute.Value.Rejection.Reason}", refuseReconnection: false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private (EvidenceMessageType Type, byte[] Payload, (RejectionMessage Rejection, string Observed)? Dispute) Answer(ReadOnlySpan<byte> payload)
    {
        if (EvidenceMessageCodec.TryDecode(payload, out EpochMessage? message) is { } malformed)
        {
            return Reject(0, EpochRejectionReason.Malformed, malformed);
        }

        var m = message!;
        if (m.SessionId != SessionId)
        {
            return Reject(m.Sequence, EpochRejectionReason.WrongSession, $"epoch of session {m.SessionId}");
        }

        // The provider restarted and repeats the epoch we last paid for: pay it again with the same voucher.
        if (m.Sequence + 1 == _expectedSequence && _lastAccepted is not null && payload.SequenceEqual(_lastAccepted))
        {
            return (EvidenceMessageType.Voucher, _lastVoucher!, null);
        }

        if (Disputed)
        {
            return Reject(m.Sequence, EpochRejectionReason.SessionDisputed, "an earlier epoch of this session is disputed", dispute: true);
        }

        if (m.Sequence != _expectedSequence)
        {
            return Reject(m.Sequence, EpochRejectionReason.OutOfOrder, $"epoch {m.Sequence} while expecting {_expectedSequence}");
        }

        // Order, extension, record encoding, the provider's signature and the root: what the log itself proves.
        var appended = _log.AppendRecords(m.FirstLeafIndex, m.Records, m.Checkpoint);
        switch (appended.Error)
        {
            case SessionLogError.None:
                break;
            case SessionLogError.RootMismatch:
                // The provider's signed word does not match its own records: evidence, not noise.
                return Reject(m.Sequence, EpochRejectionReason.RootMismatch, appended.Detail, dispute: true);
            default:
                return Reject(m.Sequence, ReasonOf(appended.Error), appended.Detail);
        }

        // Without the session's evidence key the client could never read (nor disclose) the records it pays for.
        if (_evidenceKey is null)
        {
            return Reject(m.Sequence, EpochRejectionReason.Unverifiable, "no valid evidence key from the provider: the published records could not be read", dispute: true);
        }

        // Each record's verdict against the session's policy, as an oracle would judge it (issue 10, item 16).
        var records = appended.Records;
        if (_session.Policy is not { } policy)
        {
            return Reject(m.Sequence, EpochRejectionReason.Unverifiable, "the session's policy is unknown (no SessionInfo carrying the document of the session's hash): the provider's verdicts cannot be checked", dispute: true);
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (!AgreesWithPolicy(records[i], policy, out var expected))
            {
                return Reject(m.Sequence, EpochRejectionReason.VerdictMismatch,
                    $"record {i} (leaf {m.FirstLeafIndex + (ulong)i}) says {records[i].Verdict} rule {records[i].RuleId}; the policy gives {expected.Action} rule {expected.RuleId}: {records[i]}",
                    dispute: true);
            }
        }

        // The records against the client's own metering, within one allowance per session (issue 10, items 1, 10, 11).
        var lost = _capture is { } capture ? capture.Statistics.Dropped + capture.Statistics.InterfaceDropped : CaptureLoss?.Invoke() ?? 0;
        var check = _ledger.Check(records, Flows, _context.Options.OctetTolerance, _context.Options.OctetToleranceBytes, lost);
        if (check.Reason is { } reason)
        {
            return Reject(m.Sequence, reason, check.Detail, dispute: true, observed: check.Observed);
        }

        var octets = _log.AllowedOctets!.Value;
        var voucher = new Voucher
        {
            SessionId = SessionId,
            CumulativeAmount = VoucherPricing.AmountFor(octets, _session.PricePerMiB),
            CumulativeBytes = octets,
            LogSize = m.Checkpoint.TreeSize,
            LogRoot = m.Checkpoint.Root,
        };
        var answer = EvidenceMessageCodec.Encode(new VoucherMessage(SessionId, m.Sequence, SignedVoucher.From(voucher, _context.Signer.Sign(voucher))));
        _expectedSequence++;
        _paid = _log.Head();
        _lastAccepted = payload.ToArray();
        _lastVoucher = answer;
        _context.Metrics.Add(MeteringCounters.VouchersSigned);
        return (EvidenceMessageType.Voucher, answer, null);
    }

    /// <summary>
    /// The provider's evidence key message: kept (durably, in the spool) when it names this session and the provider
    /// signed the commitment to the key; the first valid key stays (a session's records are sealed under one key).
    /// </summary>
    private void KeepEvidenceKey(ReadOnlySpan<byte> payload)
    {
        if (EvidenceMessageCodec.TryDecode(payload, out EvidenceKeyMessage? message) is { } error)
        {
            _context.Metrics.Add(MeteringCounters.ControlMessagesRejected, reason: "Malformed");
            _logger.LogWarning("session {Session}: evidence key message refused: {Error}", SessionId, error);
            return;
        }

        if (message!.SessionId != SessionId || !EvidenceKeyCommitment.Verify(SessionId, message.Key, message.Signature, _context.Domain, _session.GatewayAddress))
        {
            _context.Metrics.Add(MeteringCounters.ControlMessagesRejected, reason: "BadEvidenceKey");
            _logger.LogWarning("session {Session}: evidence key for session {Other} not signed by the provider's gateway; ignored", SessionId, message.SessionId);
            return;
        }

        var (held, _) = _context.Spool.KeepEvidenceKey(SessionId, message.Key, message.Signature, _context.Time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!held.AsSpan().SequenceEqual(message.Key))
        {
            _logger.LogWarning("session {Session}: the provider sent another evidence key than the one this gateway holds; the first stays", SessionId);
        }

        _evidenceKey = held;
    }

    /// <summary>A provider whose protected networks changed declared another context (SessionInfo again).</summary>
    public void AddPolicyContext(PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_contexts)
        {
            _contexts.Add(context);
        }
    }

    // A record agrees when some context the provider declared during the session gives its verdict and rule id.
    private bool AgreesWithPolicy(in FlowRecord record, PolicyDocument policy, out PolicyDecision expected)
    {
        lock (_contexts)
        {
            expected = default;
            foreach (var context in _contexts)
            {
                if (FlowRecordPolicy.Agrees(record, policy, context, out var decision))
                {
                    expected = decision;
                    return true;
                }

                expected = decision;
            }

            return false;
        }
    }

    private static EpochRejectionReason ReasonOf(SessionLogError error) => error switch
    {
        SessionLogError.NotAnExtension or SessionLogError.TimeReversed => EpochRejectionReason.OutOfOrder,
        SessionLogError.BadRecord or SessionLogError.RecordOfOtherSession => EpochRejectionReason.BadRecord,
        SessionLogError.BadCheckpointSignature => EpochRejectionReason.BadCheckpointSignature,
        SessionLogError.RootMismatch => EpochRejectionReason.RootMismatch,
        _ => EpochRejectionReason.Malformed,
    };

    private (EvidenceMessageType, byte[], (RejectionMessage, string)?) Reject(ulong sequence, EpochRejectionReason reason, string detail, bool dispute = false, string observed = "{}")
    {
        var rejection = new RejectionMessage(SessionId, sequence, reason, detail);
        _context.Metrics.Add(MeteringCounters.EpochsRejected, reason: reason.ToString());
        if (!dispute)
        {
            _logger.LogWarning("session {Session}: epoch {Sequence} refused ({Reason}): {Detail}", SessionId, sequence, reason, detail);
        }

        return (EvidenceMessageType.EpochRejected, EvidenceMessageCodec.Encode(rejection), dispute ? (rejection, observed) : null);
    }

    /// <summary>Keeps the disputed epoch (durably, before anything is answered) and reports the first mismatch.</summary>
    /// <returns>Whether the session is to end now (the first mismatch, unless <see cref="MeteringOptions.EndSessionOnMismatch"/> is off).</returns>
    private bool KeepDispute(RejectionMessage rejection, string observed, byte[] message)
    {
        var first = !Disputed;
        Disputed = true;
        _context.Spool.KeepDisputedEpoch(new DisputedEpoch(SessionId, rejection.Sequence, rejection.Reason, rejection.Detail, message, observed, _context.Time.GetUtcNow().ToUnixTimeMilliseconds()));
        if (!first)
        {
            return false;
        }

        if (rejection.Reason == EpochRejectionReason.Unverifiable)
        {
            _logger.LogError("session {Session}: this gateway cannot vouch for the provider's evidence ({Detail}); no further vouchers", SessionId, rejection.Detail);
            return _context.Options.EndSessionOnMismatch;
        }

        _context.Metrics.Add(MeteringCounters.ProviderMismatches, reason: rejection.Reason.ToString());
        _logger.LogError("session {Session}: the provider's evidence does not match this gateway's metering ({Reason}: {Detail}); evidence kept for a dispute, no further vouchers", SessionId, rejection.Reason, rejection.Detail);
        return _context.Options.EndSessionOnMismatch;
    }
}

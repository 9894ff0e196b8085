using System.Globalization;
using System.Numerics;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using VpnGateway.Metering.Exchange;

namespace VpnGateway.Metering.Provider;

/// <summary>The client's answers: vouchers checked and attached to their batches, refusals recorded.</summary>
internal sealed partial class ProviderSessionMeter
{
    private async ValueTask HandleAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        switch (type)
        {
            case EvidenceMessageType.Voucher:
                if (EvidenceMessageCodec.TryDecode(payload.Span, out VoucherMessage? voucher) is { } voucherError)
                {
                    RejectControl("Malformed", voucherError);
                }
                else if (voucher!.SessionId != SessionId)
                {
                    RejectControl("WrongSession", $"voucher for session {voucher.SessionId}");
                }
                else
                {
                    await _gate.WaitAsync(cancellationToken);
                    try
                    {
                        AcceptVoucher(voucher);
                    }
                    finally
                    {
                        _gate.Release();
                    }
                }

                break;
            case EvidenceMessageType.EpochRejected:
                if (EvidenceMessageCodec.TryDecode(payload.Span, out RejectionMessage? rejection) is { } rejectionError)
                {
                    RejectControl("Malformed", rejectionError);
                }
                else if (rejection!.SessionId != SessionId || !_log.TryGetCheckpoint(rejection.Sequence, out var size, out _))
                {
                    RejectControl("UnknownSequence", $"rejection of session {rejection.SessionId} checkpoint {rejection.Sequence}");
                }
                else
                {
                    _context.Metrics.Add(MeteringCounters.EpochsRefusedByClient, reason: rejection.Reason.ToString());
                    if (size > Volatile.Read(ref _lastRefusedSize))
                    {
                        Volatile.Write(ref _lastRefusedSize, size);
                    }

                    _logger.LogWarning("session {Session}: the client refused checkpoint {Sequence} ({Reason}: {Detail})", SessionId, rejection.Sequence, rejection.Reason, rejection.Detail);
                    // Published with the reason only: the client's detail may name the session's traffic (docs/protocol.md §5.5).
                    _context.Spool.AttachRejection(SessionId, size, new ClientRejection { Reason = rejection.Reason });
                }

                break;
            default:
                RejectControl("UnexpectedType", $"message type {type} is not for the provider");
                break;
        }
    }

    private void AcceptVoucher(VoucherMessage message)
    {
        if (CheckVoucher(message) is { } rejection)
        {
            _context.Metrics.Add(MeteringCounters.VouchersRejected, reason: rejection.ToString());
            _logger.LogWarning("session {Session}: voucher for checkpoint {Sequence} rejected: {Reason}", SessionId, message.Sequence, rejection);
            return;
        }

        var voucher = message.Voucher;
        Volatile.Write(ref _lastVoucherSize, voucher.LogSize);
        Volatile.Write(ref _keyDelivered, true);
        _lastVoucherAmount = BigInteger.Parse(voucher.CumulativeAmount, NumberStyles.None, CultureInfo.InvariantCulture);
        _awaiting.RemoveAll(a => a.TreeSize <= voucher.LogSize);
        _context.Metrics.Add(MeteringCounters.VouchersAccepted);
        if (!_context.Spool.AttachVoucher(SessionId, voucher.LogSize, voucher))
        {
            _logger.LogInformation("session {Session}: voucher for tree size {Size} came after its batch was published; the next batch carries a later one", SessionId, voucher.LogSize);
        }
    }

    private VoucherRejection? CheckVoucher(VoucherMessage message)
    {
        var voucher = message.Voucher;
        if (!_log.TryGetCheckpoint(message.Sequence, out var size, out var octets))
        {
            return VoucherRejection.UnknownSequence;
        }

        if (voucher.LogSize != size)
        {
            return VoucherRejection.LogSizeMismatch;
        }

        if (size <= _lastVoucherSize)
        {
            return VoucherRejection.Stale;
        }

        if (!voucher.LogRoot.AsSpan().SequenceEqual(_log.Root(size)))
        {
            return VoucherRejection.RootMismatch;
        }

        if (voucher.CumulativeBytes != octets)
        {
            return VoucherRejection.BytesMismatch;
        }

        Voucher typed;
        try
        {
            typed = voucher.ToVoucher(SessionId);
        }
        catch (FormatException)
        {
            return VoucherRejection.BadAmount;
        }

        if (typed.CumulativeAmount < VoucherPricing.AmountFor(octets, _session.PricePerMiB) || typed.CumulativeAmount < _lastVoucherAmount)
        {
            return VoucherRejection.Underpaid;
        }

        return _session.ClientAddress is { } client && TypedDataSigner.Verify(typed, _context.Domain, voucher.Signature, client) ? null : VoucherRejection.BadSignature;
    }

    private void RejectControl(string reason, string detail)
    {
        _context.Metrics.Add(MeteringCounters.ControlMessagesRejected, reason: reason);
        _logger.LogWarning("session {Session}: control message rejected ({Reason}): {Detail}", SessionId, reason, detail);
    }
}

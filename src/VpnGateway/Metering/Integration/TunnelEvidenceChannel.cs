using Microsoft.Extensions.Logging;
using VpnGateway.Control;
using VpnGateway.Metering.Exchange;

namespace VpnGateway.Metering.Integration;

/// <summary>
/// Metering's messages on the session's control channel, in the range the tunnel reserves for metering
/// (<see cref="ControlMessageTypes"/>): an epoch (checkpoint and its records in one message) as
/// <see cref="ControlMessageTypes.MeteringCheckpoint"/>, a voucher as <see cref="ControlMessageTypes.MeteringVoucher"/>,
/// a refusal as <see cref="ControlMessageTypes.MeteringReject"/>, the session's evidence key as
/// <see cref="ControlMessageTypes.MeteringEvidenceKey"/>. A send does not wait for the peer's acknowledgement
/// (the epoch loop must not stall on a slow peer); a message that could not be delivered is logged.
/// </summary>
internal sealed class TunnelEvidenceChannel(IControlChannel control, ILogger logger) : IEvidenceChannel
{
    public ValueTask SendAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var pending = control.SendAsync(ToControl(type), payload, CancellationToken.None);
        if (pending.IsCompleted)
        {
            var result = pending.Result;
            return result == ControlSendResult.Delivered ? ValueTask.CompletedTask : throw new InvalidOperationException($"control channel of session {control.SessionId}: {result}");
        }

        _ = ObserveAsync(pending.AsTask(), type);
        return ValueTask.CompletedTask;
    }

    public IDisposable Subscribe(Func<EvidenceMessageType, ReadOnlyMemory<byte>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscriptions = new List<IDisposable>();
        foreach (var type in (ReadOnlySpan<EvidenceMessageType>)[EvidenceMessageType.Epoch, EvidenceMessageType.Voucher, EvidenceMessageType.EpochRejected, EvidenceMessageType.EvidenceKey])
        {
            var t = type;
            subscriptions.Add(control.Subscribe(ToControl(t), (message, ct) => handler(t, message.Payload, ct)));
        }

        return new Subscriptions(subscriptions);
    }

    private static ushort ToControl(EvidenceMessageType type) => type switch
    {
        EvidenceMessageType.Epoch => ControlMessageTypes.MeteringCheckpoint,
        EvidenceMessageType.Voucher => ControlMessageTypes.MeteringVoucher,
        EvidenceMessageType.EpochRejected => ControlMessageTypes.MeteringReject,
        EvidenceMessageType.EvidenceKey => ControlMessageTypes.MeteringEvidenceKey,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private async Task ObserveAsync(Task<ControlSendResult> pending, EvidenceMessageType type)
    {
        var result = await pending.ConfigureAwait(false);
        if (result != ControlSendResult.Delivered)
        {
            logger.LogWarning("session {Session}: metering {Type} not delivered ({Result})", control.SessionId, type, result);
        }
    }

    private sealed class Subscriptions(List<IDisposable> subscriptions) : IDisposable
    {
        public void Dispose()
        {
            foreach (var s in subscriptions)
            {
                s.Dispose();
            }
        }
    }
}

namespace VpnGateway.Control;

/// <summary>
/// The session's control channel: messages carried inside the tunnel (transport messages of type 5), delivered to
/// the peer reliably and in order while the session lives, across key rotations and roaming (docs/protocol.md §4.8).
/// Metering uses it for checkpoints, flow records, vouchers and rejections (<see cref="ControlMessageTypes"/>).
/// </summary>
public interface IControlChannel
{
    /// <summary>The session the channel belongs to.</summary>
    ulong SessionId { get; }

    /// <summary>Whether the session still runs (sends after it ended return <see cref="ControlSendResult.SessionClosed"/>).</summary>
    bool IsOpen { get; }

    /// <summary>
    /// Queues a message for the peer. Messages are delivered in the order they were queued; the task completes when the
    /// peer acknowledged every fragment (or when the session ended first). Never blocks the packet path.
    /// </summary>
    /// <param name="messageType">The message type (see <see cref="ControlMessageTypes"/>; 0 is invalid).</param>
    /// <param name="payload">The payload, at most <see cref="ControlMessageTypes.MaxPayloadSize"/> bytes; copied before this returns.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement (the message may still be delivered).</param>
    ValueTask<ControlSendResult> SendAsync(ushort messageType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers <paramref name="handler"/> for messages of <paramref name="messageType"/>. Handlers of a session run one
    /// message at a time, in arrival order, off the packet path; a handler's exception is logged and does not stop
    /// delivery. Messages that arrive while no handler is registered for their type are counted and dropped.
    /// </summary>
    /// <returns>Disposing it unregisters the handler.</returns>
    IDisposable Subscribe(ushort messageType, Func<ControlMessage, CancellationToken, ValueTask> handler);
}

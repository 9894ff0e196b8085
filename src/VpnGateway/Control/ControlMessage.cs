namespace VpnGateway.Control;

/// <summary>A message received on a session's control channel.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Type">The message type.</param>
/// <param name="Payload">The payload (owned by the receiver).</param>
public readonly record struct ControlMessage(ulong SessionId, ushort Type, ReadOnlyMemory<byte> Payload);

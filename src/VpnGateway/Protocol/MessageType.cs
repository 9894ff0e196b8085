namespace VpnGateway.Protocol;

/// <summary>The first byte of every tunnel datagram (docs/protocol.md §4.2).</summary>
internal enum MessageType : byte
{
    HandshakeInitiation = 1,
    HandshakeResponse = 2,
    CookieReply = 3,
    TransportData = 4,
    TransportControl = 5,
}

using VpnGateway.Protocol;

namespace VpnGateway.Tunnel;

/// <summary>The provider answered the handshake with a rejection, or did not answer at all.</summary>
internal sealed class HandshakeRejectedException(HandshakeStatus? status, string message) : Exception(message)
{
    /// <summary>The provider's reason, or null when it never answered.</summary>
    public HandshakeStatus? Status { get; } = status;
}

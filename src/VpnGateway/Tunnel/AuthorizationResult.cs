using Oracle.Core.Policy;
using VpnGateway.Providers;
using VpnGateway.Protocol;

namespace VpnGateway.Tunnel;

/// <summary>Whether an authenticated initiator may have its session, and with which facts.</summary>
internal sealed record AuthorizationResult(HandshakeStatus Status, SessionRecord? Session, PolicyDocument? Policy, string? ClientAddress, string Detail)
{
    public static AuthorizationResult Reject(HandshakeStatus status, string detail) => new(status, null, null, null, detail);
}

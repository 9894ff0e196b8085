namespace VpnGateway.Tunnel;

/// <summary>Signs (and caches) the client's TunnelAuthorization for the handshake.</summary>
internal interface ITunnelAuthorizationSource
{
    /// <summary>An authorisation valid at least a few minutes from now.</summary>
    SignedTunnelAuthorization Get(byte[] clientTunnelKey, byte[] providerTunnelKey, ulong sessionId);
}

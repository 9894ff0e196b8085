namespace VpnGateway.Tunnel;

/// <summary>Signs (and caches) the client's TunnelAuthorization for the handshake.</summary>
internal interface ITunnelAuthorizationSource
{
    /// <summary>An authorisation valid at least a few minutes from now.</summary>
    SignedTunnelAuthorization Get(byte[] clientTunnelKey, byte[] providerTunnelKey, ulong sessionId);
}

/// <summary>A TunnelAuthorization and its signature.</summary>
/// <param name="Address">The signer's Ethereum address (20 bytes).</param>
/// <param name="NotAfter">Unix seconds.</param>
/// <param name="Signature">65 bytes r ‖ s ‖ v.</param>
internal sealed record SignedTunnelAuthorization(byte[] Address, ulong NotAfter, byte[] Signature);

namespace VpnGateway.Tunnel;

/// <summary>A TunnelAuthorization and its signature.</summary>
/// <param name="Address">The signer's Ethereum address (20 bytes).</param>
/// <param name="NotAfter">Unix seconds.</param>
/// <param name="Signature">65 bytes r ‖ s ‖ v.</param>
internal sealed record SignedTunnelAuthorization(byte[] Address, ulong NotAfter, byte[] Signature);

namespace VpnGateway.Hosting;

/// <summary>
/// Section <c>Keys</c>: the tunnel's keystore and its password. (The gateway's Ethereum key is the shared
/// <c>Chain:Keystore</c> with <c>Chain:PasswordFile</c>.)
/// </summary>
internal sealed class KeySettings
{
    /// <summary>The X25519 tunnel key, as a keystore file (<c>vpngateway keygen</c> writes one).</summary>
    public string? TunnelKeystore { get; set; }

    /// <summary>A file whose first line is the tunnel keystore's password (else ORACLE_KEYSTORE_PASSWORD).</summary>
    public string? PasswordFile { get; set; }
}

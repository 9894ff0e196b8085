namespace VpnGateway.Hosting;

/// <summary>Section <c>Keys</c>: keystore files and their password.</summary>
internal sealed class KeySettings
{
    /// <summary>The X25519 tunnel key, as a keystore file (<c>vpngateway keygen</c> writes one).</summary>
    public string? TunnelKeystore { get; set; }

    /// <summary>The Ethereum key (provider or client identity), as a keystore file.</summary>
    public string? EthereumKeystore { get; set; }

    /// <summary>A file whose first line is the keystores' password (else ORACLE_KEYSTORE_PASSWORD).</summary>
    public string? PasswordFile { get; set; }
}

namespace Oracle.Hosting;

/// <summary>Where the chain is and who this service is on it (section <c>Chain</c>).</summary>
public sealed class ChainOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Chain";

    /// <summary>JSON-RPC endpoint, for example <c>http://127.0.0.1:8545</c>.</summary>
    public string? RpcUrl { get; set; }

    /// <summary>The deployment manifest (<c>deployments/&lt;network&gt;.json</c>).</summary>
    public string? Manifest { get; set; }

    /// <summary>The service's key, as a Web3 Secret Storage keystore file.</summary>
    public string? Keystore { get; set; }

    /// <summary>A file whose first line is the keystore's password (else <c>ORACLE_KEYSTORE_PASSWORD</c>).</summary>
    public string? PasswordFile { get; set; }
}

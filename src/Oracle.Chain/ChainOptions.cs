namespace Oracle.Chain;

/// <summary>
/// Where the chain is and who the service is on it: configuration section <c>Chain</c>, the same for every service
/// (docs/operations.md). <see cref="ChainContext.CreateAsync"/> turns it into the checked <see cref="ChainContext"/>.
/// </summary>
public sealed class ChainOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Chain";

    /// <summary>JSON-RPC endpoint, for example <c>http://127.0.0.1:8545</c>. Without it the service works offline
    /// (a pinned gateway link signs evidence but reads nothing from the chain).</summary>
    public string? RpcUrl { get; set; }

    /// <summary>
    /// The chain id every signature binds. Optional with <see cref="RpcUrl"/> (the node says it) or
    /// <see cref="Manifest"/> (the manifest says it); when given, it must agree with both.
    /// </summary>
    public ulong? ChainId { get; set; }

    /// <summary>The deployment manifest (<c>deployments/&lt;network&gt;.json</c>): the contracts' addresses and deployment blocks.</summary>
    public string? Manifest { get; set; }

    /// <summary>
    /// Contract addresses by manifest name (<c>SessionManager</c>, <c>ProviderRegistry</c>, ...), for a network without a
    /// manifest, or to override one entry of it.
    /// </summary>
    public Dictionary<string, string> Contracts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The service's Ethereum key (provider, client, collector, oracle, relayer), as a Web3 Secret Storage keystore file.</summary>
    public string? Keystore { get; set; }

    /// <summary>A file whose first line is the keystore's password (else the <c>ORACLE_KEYSTORE_PASSWORD</c> variable).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Blocks a log must be buried under before a service acts on it (0 on the local chain, which never reorganizes).</summary>
    public uint Confirmations { get; set; }

    /// <summary>The most blocks one <c>eth_getLogs</c> request may cover (public nodes refuse large ranges).</summary>
    public ulong MaxLogRange { get; set; } = 2_000;
}

using System.Globalization;
using System.Numerics;
using Nethereum.Signer;
using Nethereum.Util;
using Nethereum.Web3;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;

namespace Oracle.Chain;

/// <summary>
/// A service's place on the chain, made once at start from <see cref="ChainOptions"/> and checked there: the node's
/// chain id (against the manifest and the configuration), the contracts' addresses and deployment blocks, and the
/// service's decrypted key. Every part of a service that talks to the chain or signs under an EIP-712 domain takes it
/// from here, so two parts can never disagree on the chain id or an address.
/// </summary>
public sealed class ChainContext
{
    private readonly Dictionary<string, DeployedAddress> _contracts;
    private readonly Lazy<IWeb3>? _web3;

    private ChainContext(ulong chainId, string? rpcUrl, DeploymentManifest? manifest, Dictionary<string, DeployedAddress> contracts, EthECKey? signer, ChainOptions options)
    {
        ChainId = chainId;
        RpcUrl = rpcUrl;
        Manifest = manifest;
        _contracts = contracts;
        Signer = signer;
        Confirmations = options.Confirmations;
        MaxLogRange = options.MaxLogRange;
        _web3 = rpcUrl is null ? null : new Lazy<IWeb3>(() => ChainConnection.ReadOnly(rpcUrl));
    }

    /// <summary>The chain id every signature of this service binds (checked against the node when there is one).</summary>
    public ulong ChainId { get; }

    /// <summary>The JSON-RPC endpoint; <see langword="null"/> when the service runs offline.</summary>
    public string? RpcUrl { get; }

    /// <summary>Whether a node is configured (reads and transactions are possible).</summary>
    public bool IsOnline => RpcUrl is not null;

    /// <summary>The deployment manifest, when one is configured.</summary>
    public DeploymentManifest? Manifest { get; }

    /// <summary>The service's key, when <c>Chain:Keystore</c> is configured.</summary>
    public EthECKey? Signer { get; }

    /// <summary>The service's address (checksummed), when it has a key.</summary>
    public string? Address => Signer?.GetPublicAddress();

    /// <summary>Blocks a log must be buried under before the service acts on it.</summary>
    public uint Confirmations { get; }

    /// <summary>The most blocks one log request covers.</summary>
    public ulong MaxLogRange { get; }

    /// <summary>The contracts known by name (from the manifest and <c>Chain:Contracts</c>).</summary>
    public IReadOnlyCollection<string> KnownContracts => _contracts.Keys;

    /// <summary>A read-only connection to the node.</summary>
    /// <exception cref="ChainContextException">The service runs offline (no <c>Chain:RpcUrl</c>).</exception>
    public IWeb3 Web3 => _web3?.Value ?? throw new ChainContextException("Chain:RpcUrl is not set: this needs a chain node");

    /// <summary>The SessionManager's EIP-712 domain (vouchers, checkpoints, tunnel authorizations).</summary>
    public TypedDataDomain SessionManagerDomain => TypedDataDomain.SessionManager(ChainId, AddressOf(Deployment.ContractNames.SessionManager));

    /// <summary>The DisputeManager's EIP-712 domain (relayed filings).</summary>
    public TypedDataDomain DisputeManagerDomain => TypedDataDomain.DisputeManager(ChainId, AddressOf(Deployment.ContractNames.DisputeManager));

    /// <summary>The address of contract <paramref name="name"/> (a manifest key, docs/protocol.md §7.1).</summary>
    /// <exception cref="ChainContextException">Neither the manifest nor <c>Chain:Contracts</c> names it.</exception>
    public string AddressOf(string name)
        => TryAddressOf(name) ?? throw new ChainContextException($"no address for {name}: set Chain:Manifest, or Chain:Contracts:{name}");

    /// <summary>The address of contract <paramref name="name"/>, or <see langword="null"/> when it is not configured.</summary>
    public string? TryAddressOf(string name) => _contracts.TryGetValue(name, out var c) ? c.Address : null;

    /// <summary>The block contract <paramref name="name"/> was deployed in (where log searches start); 0 when unknown.</summary>
    public ulong DeploymentBlock(string name) => _contracts.TryGetValue(name, out var c) ? c.Block : 0;

    /// <summary>The service's key, for a part that cannot work without one.</summary>
    /// <param name="purpose">What needs it, for the message (for example "metering signs checkpoints").</param>
    /// <exception cref="ChainContextException">No <c>Chain:Keystore</c>.</exception>
    public EthECKey RequireSigner(string purpose)
        => Signer ?? throw new ChainContextException($"{purpose} with this service's Ethereum key: set Chain:Keystore (a keystore file) and Chain:PasswordFile");

    /// <summary>Throws unless a node is configured.</summary>
    /// <param name="purpose">What needs it, for the message.</param>
    /// <exception cref="ChainContextException">No <c>Chain:RpcUrl</c>.</exception>
    public void RequireOnline(string purpose)
    {
        if (!IsOnline)
        {
            throw new ChainContextException($"{purpose} from the chain: set Chain:RpcUrl");
        }
    }

    /// <summary>
    /// Checks <paramref name="options"/> and builds the context: reads the node's chain id (when a node is configured) and
    /// compares it with the manifest's and the configured one, checks that every contract has code, decrypts the key.
    /// </summary>
    /// <param name="options">Section <c>Chain</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="environment">Reads environment variables (the keystore password); the process environment by default.</param>
    /// <exception cref="ChainContextException">Anything wrong, in one line.</exception>
    public static async Task<ChainContext> CreateAsync(ChainOptions options, CancellationToken cancellationToken = default, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxLogRange == 0)
        {
            throw new ChainContextException("Chain:MaxLogRange must be at least 1");
        }

        var rpcUrl = string.IsNullOrWhiteSpace(options.RpcUrl) ? null : options.RpcUrl.Trim();
        if (rpcUrl is not null && (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new ChainContextException($"Chain:RpcUrl '{rpcUrl}' is not an http(s) URL, for example http://127.0.0.1:8545");
        }

        DeploymentManifest? manifest = null;
        if (!string.IsNullOrWhiteSpace(options.Manifest))
        {
            try
            {
                manifest = DeploymentManifest.Load(options.Manifest);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new ChainContextException($"Chain:Manifest: {e.Message}", e);
            }
        }

        ulong chainId;
        if (rpcUrl is not null)
        {
            BigInteger reported;
            try
            {
                reported = await ChainConnection.GetChainIdAsync(rpcUrl, cancellationToken).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when ((ChainErrors.IsUnavailable(e) || e is OperationCanceledException) && !cancellationToken.IsCancellationRequested)
            {
                throw new ChainContextException($"the chain node at {rpcUrl} (Chain:RpcUrl) does not answer: {e.Message}", e);
            }

            chainId = (ulong)reported;
            if (options.ChainId is { } configured && configured != chainId)
            {
                throw new ChainContextException($"Chain:ChainId is {configured}, but the node at {rpcUrl} is chain {chainId}");
            }

            if (manifest is not null && manifest.ChainId != chainId)
            {
                throw new ChainContextException($"the deployment manifest {options.Manifest} is for chain {manifest.ChainId}, but the node at {rpcUrl} is chain {chainId}");
            }
        }
        else if (options.ChainId is { } configured)
        {
            if (manifest is not null && manifest.ChainId != configured)
            {
                throw new ChainContextException($"Chain:ChainId is {configured}, but the deployment manifest {options.Manifest} is for chain {manifest.ChainId}");
            }

            chainId = configured;
        }
        else
        {
            chainId = manifest?.ChainId ?? throw new ChainContextException("the chain id is unknown: set Chain:RpcUrl (the node says it), Chain:Manifest, or Chain:ChainId");
        }

        var contracts = new Dictionary<string, DeployedAddress>(StringComparer.Ordinal);
        if (manifest is not null)
        {
            foreach (var (name, deployed) in manifest.Contracts)
            {
                contracts[name] = new DeployedAddress(deployed.Address, deployed.BlockNumber);
            }
        }

        foreach (var (name, address) in options.Contracts)
        {
            if (!AddressUtil.Current.IsValidEthereumAddressHexFormat(address))
            {
                throw new ChainContextException($"Chain:Contracts:{name} '{address}' is not an address (0x and 40 hex digits)");
            }

            var block = contracts.TryGetValue(name, out var known) && string.Equals(known.Address, address, StringComparison.OrdinalIgnoreCase) ? known.Block : 0;
            contracts[name] = new DeployedAddress(AddressUtil.Current.ConvertToChecksumAddress(address), block);
        }

        if (rpcUrl is not null && contracts.Count > 0)
        {
            await CheckCodeAsync(rpcUrl, contracts, cancellationToken).ConfigureAwait(false);
        }

        EthECKey? signer = null;
        if (!string.IsNullOrWhiteSpace(options.Keystore))
        {
            try
            {
                signer = KeyStoreFile.LoadWithPasswordFile(options.Keystore, string.IsNullOrWhiteSpace(options.PasswordFile) ? null : options.PasswordFile, environment);
            }
            catch (KeyStoreException e)
            {
                throw new ChainContextException($"Chain:Keystore: {e.Message}", e);
            }

            if (!DevelopmentKeys.IsLocal(chainId) && DevelopmentKeys.IsDevelopmentKey(signer))
            {
                throw new ChainContextException($"Chain:Keystore {options.Keystore} holds a public development key, refused on chain {chainId}: create a key of your own");
            }
        }

        return new ChainContext(chainId, rpcUrl, manifest, contracts, signer, options);
    }

    /// <summary>A context without a node, for tests and tools that only sign (a pinned link's evidence).</summary>
    public static ChainContext Offline(ulong chainId, IReadOnlyDictionary<string, string> contracts, EthECKey? signer = null)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        var known = contracts.ToDictionary(c => c.Key, c => new DeployedAddress(c.Value, 0), StringComparer.Ordinal);
        return new ChainContext(chainId, null, null, known, signer, new ChainOptions());
    }

    private static async Task CheckCodeAsync(string rpcUrl, Dictionary<string, DeployedAddress> contracts, CancellationToken cancellationToken)
    {
        var web3 = ChainConnection.ReadOnly(rpcUrl);
        var missing = new List<string>();
        foreach (var (name, contract) in contracts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var code = await web3.Eth.GetCode.SendRequestAsync(contract.Address).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(code) || code == "0x")
            {
                missing.Add($"{name} at {contract.Address}");
            }
        }

        if (missing.Count > 0)
        {
            throw new ChainContextException($"no contract code on the chain at {rpcUrl} for {string.Join(", ", missing)}: is the manifest for this network (a restarted local chain forgets its contracts)?");
        }
    }

    private readonly record struct DeployedAddress(string Address, ulong Block);

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"chain {ChainId}{(RpcUrl is null ? " (offline)" : $" at {RpcUrl}")}, {_contracts.Count} contracts, address {Address ?? "none"}");
}

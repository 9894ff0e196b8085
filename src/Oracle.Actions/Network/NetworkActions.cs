using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Artifacts;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Chain.Keys;

namespace Oracle.Actions.Network;

/// <summary>
/// Deploys and wires the contract set on any EVM chain, writes <c>deployments/&lt;network&gt;.json</c>, and verifies a
/// deployment against its chain: chain id, each contract created from the bytecode built here, and the wiring.
/// </summary>
public static class NetworkActions
{
    // Who must point at whom after wiring: (contract, getter, the contract it must return).
    private static readonly (string Contract, string Getter, string Expected)[] Wiring =
    [
        (ContractNames.VpnToken, "minter", ContractNames.TokenExchange),
        (ContractNames.TokenExchange, "token", ContractNames.VpnToken),
        (ContractNames.TokenExchange, "wrappedBtc", ContractNames.WrappedBtc),
        (ContractNames.TokenExchange, "vpnEthFeed", ContractNames.PriceFeedVpnEth),
        (ContractNames.TokenExchange, "btcEthFeed", ContractNames.PriceFeedBtcEth),
        (ContractNames.PriceFeedVpnEth, "oracleRegistry", ContractNames.OracleRegistry),
        (ContractNames.PriceFeedBtcEth, "oracleRegistry", ContractNames.OracleRegistry),
        (ContractNames.OracleRegistry, "token", ContractNames.VpnToken),
        (ContractNames.OracleRegistry, "disputeManager", ContractNames.DisputeManager),
        (ContractNames.ProviderRegistry, "token", ContractNames.VpnToken),
        (ContractNames.ProviderRegistry, "sessionManager", ContractNames.SessionManager),
        (ContractNames.SessionManager, "token", ContractNames.VpnToken),
        (ContractNames.SessionManager, "providerRegistry", ContractNames.ProviderRegistry),
        (ContractNames.SessionManager, "disputeManager", ContractNames.DisputeManager),
        (ContractNames.EvidenceRegistry, "token", ContractNames.VpnToken),
        (ContractNames.DisputeManager, "token", ContractNames.VpnToken),
        (ContractNames.DisputeManager, "sessionManager", ContractNames.SessionManager),
        (ContractNames.DisputeManager, "oracleRegistry", ContractNames.OracleRegistry),
        (ContractNames.DisputeManager, "randomnessSource", ContractNames.RandomnessSource),
    ];

    /// <summary>
    /// Deploys the contract set through <paramref name="rpcUrl"/> with <paramref name="deployer"/>'s key and
    /// <paramref name="parameters"/>, writes the manifest to <paramref name="manifestPath"/> (never over an existing one)
    /// and verifies it.
    /// </summary>
    public static Task<ActionResult<NetworkReport>> DeployAsync(string rpcUrl, EthECKey deployer, string network, NetworkParameters parameters, string manifestPath,
        IActionProgress? progress = null, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(null, async () =>
        {
            ArgumentNullException.ThrowIfNull(deployer);
            ArgumentNullException.ThrowIfNull(parameters);
            progress ??= SilentProgress.Instance;
            if (string.IsNullOrWhiteSpace(network) || network.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
            {
                throw ActionFailedException.InvalidInput($"network name '{network}' may use letters, digits, - and _ only (it names deployments/<network>.json)");
            }

            if (File.Exists(manifestPath))
            {
                throw ActionFailedException.Refused($"{manifestPath} exists: a deployment record is never overwritten; choose another network name or --out");
            }

            var chainId = await ChainIdAsync(rpcUrl, cancellationToken).ConfigureAwait(false);
            if (!DevelopmentKeys.IsLocal(chainId))
            {
                if (DevelopmentKeys.IsDevelopmentKey(deployer))
                {
                    throw new ActionFailedException(new ActionError(ActionErrorKind.Key, $"the deployer key is a public development key, refused on chain {chainId}: use a key of your own"));
                }

                if (parameters.WrappedBtc is null)
                {
                    throw ActionFailedException.InvalidInput($"chain {chainId} is not a local chain: the parameters must name its wrapped BTC token (wrappedBtc)");
                }
            }

            var web3 = await ChainConnection.ConnectAsync(rpcUrl, deployer, cancellationToken).ConfigureAwait(false);
            var address = web3.TransactionManager.Account.Address;
            var balance = (await web3.Eth.GetBalance.SendRequestAsync(address).WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
            if (balance.IsZero)
            {
                throw ActionFailedException.Refused($"the deployer {address} has no ETH on chain {chainId} to pay for the deployment");
            }

            progress.Info($"deploying the Oracle contracts to chain {chainId} from {address}");
            var lines = new Progress(progress);
            var manifest = await OracleNetworkDeployer.DeployAsync(web3, network, parameters, lines, cancellationToken).ConfigureAwait(false);
            manifest = manifest with { RpcUrl = rpcUrl };
            manifest.Save(manifestPath);
            progress.Info($"{manifest.Contracts.Count} contracts deployed and wired; manifest {Path.GetFullPath(manifestPath)}");
            return await VerifyCoreAsync(ChainConnection.ReadOnly(rpcUrl), manifest, Path.GetFullPath(manifestPath), cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Verifies the deployment of <paramref name="context"/>'s manifest against its chain.</summary>
    public static Task<ActionResult<NetworkReport>> VerifyAsync(ActionContext context, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var manifest = context.Chain.Manifest ?? throw ActionFailedException.InvalidInput("give the deployment manifest to verify (--manifest)");
            return await VerifyCoreAsync(context.Web3, manifest, null, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<NetworkReport> VerifyCoreAsync(IWeb3 web3, DeploymentManifest manifest, string? path, CancellationToken cancellationToken)
    {
        var checks = new List<NetworkCheck>();
        var chainId = await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        checks.Add(new NetworkCheck($"the node is chain {manifest.ChainId}", chainId.Value == manifest.ChainId, $"the node is chain {chainId.Value}"));
        foreach (var (name, contract) in manifest.Contracts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var artifactName = contract.Contract ?? name;
            if (!ContractArtifacts.Known.TryGetValue(artifactName, out var artifact))
            {
                checks.Add(new NetworkCheck($"{name}: an artifact {artifactName} is built here", false, "no such artifact: the manifest is of another version"));
                continue;
            }

            checks.Add(new NetworkCheck($"{name}: recorded bytecode is the bytecode built here", string.Equals(contract.BytecodeHash, artifact.BytecodeHash, StringComparison.OrdinalIgnoreCase),
                $"the manifest records {contract.BytecodeHash}, this build has {artifact.BytecodeHash}"));
            var receipt = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(contract.TransactionHash).WaitAsync(cancellationToken).ConfigureAwait(false);
            var createdHere = receipt is not null && string.Equals(receipt.ContractAddress, contract.Address, StringComparison.OrdinalIgnoreCase);
            checks.Add(new NetworkCheck($"{name}: created at {contract.Address} by its recorded transaction", createdHere,
                receipt is null ? $"the chain has no transaction {contract.TransactionHash}" : $"that transaction created {receipt.ContractAddress ?? "nothing"}"));
            if (createdHere)
            {
                var transaction = await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(contract.TransactionHash).WaitAsync(cancellationToken).ConfigureAwait(false);
                checks.Add(new NetworkCheck($"{name}: created from the bytecode built here",
                    transaction.Input.StartsWith(artifact.Bytecode, StringComparison.OrdinalIgnoreCase), "its creation code differs from this build's"));
            }
        }

        foreach (var (contractName, getter, expected) in Wiring)
        {
            if (!manifest.Contracts.TryGetValue(contractName, out var contract) || !manifest.Contracts.TryGetValue(expected, out var target))
            {
                if (contractName != ContractNames.WrappedBtc && expected != ContractNames.WrappedBtc)
                {
                    checks.Add(new NetworkCheck($"{contractName}.{getter}() is the {expected}", false, "the manifest lacks one of them"));
                }

                continue;
            }

            var artifact = ContractArtifacts.Get(contract.Contract ?? contractName);
            string actual;
            try
            {
                actual = await web3.Eth.GetContract(artifact.AbiJson, contract.Address).GetFunction(getter).CallAsync<string>().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out _) || e is ArgumentException)
            {
                actual = "(no answer)";
            }

            checks.Add(new NetworkCheck($"{contractName}.{getter}() is the {expected}", string.Equals(actual, target.Address, StringComparison.OrdinalIgnoreCase),
                $"it is {actual}, the {expected} is {target.Address}"));
        }

        return new NetworkReport(manifest.Network, manifest.ChainId, path, manifest.Contracts.ToDictionary(c => c.Key, c => c.Value.Address),
            [.. checks.Select(c => c.Passed ? c with { Detail = null } : c)]);
    }

    private static async Task<BigInteger> ChainIdAsync(string rpcUrl, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(rpcUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw ActionFailedException.InvalidInput($"'{rpcUrl}' is not an http(s) URL of a chain node");
        }

        try
        {
            return await ChainConnection.GetChainIdAsync(rpcUrl, cancellationToken).WaitAsync(TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ChainErrors.IsUnavailable(e) || e is TimeoutException)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.Unavailable, $"the chain node at {rpcUrl} does not answer: {e.GetBaseException().Message}"));
        }
    }

    private sealed class Progress(IActionProgress progress) : IProgress<string>
    {
        public void Report(string value) => progress.Info(value);
    }
}

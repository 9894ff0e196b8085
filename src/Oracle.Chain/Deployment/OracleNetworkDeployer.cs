using System.Text.Json;
using Nethereum.Web3;
using Oracle.Chain.Contracts.VpnToken;

namespace Oracle.Chain.Deployment;

/// <summary>
/// Deploys and wires the whole set of Oracle contracts to one chain and returns the manifest.
/// The order and the wiring calls are the network's constitution: docs/contracts.md describes them.
/// </summary>
public static class OracleNetworkDeployer
{
    /// <summary>Deploys every contract with <paramref name="web3"/>'s account as deployer.</summary>
    /// <param name="web3">A signing connection (see <see cref="ChainConnection.ConnectAsync"/>).</param>
    /// <param name="network">The network's name, written into the manifest.</param>
    /// <param name="progress">Receives one line per step, for command-line progress.</param>
    /// <param name="cancellationToken">Cancels between transactions.</param>
    public static async Task<DeploymentManifest> DeployAsync(IWeb3 web3, string network, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(web3);
        var deployer = web3.TransactionManager.Account?.Address
            ?? throw new ArgumentException("the connection has no account to deploy with", nameof(web3));
        var chainId = (await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        var contracts = new Dictionary<string, DeployedContract>(StringComparer.Ordinal);

        async Task<string> Deploy<T>(string name, T message)
            where T : Nethereum.Contracts.ContractDeploymentMessage, new()
        {
            progress?.Report($"deploying {name}");
            var deployed = await ContractDeployer.DeployAsync(web3, name, message, cancellationToken);
            contracts[name] = deployed;
            return deployed.Address;
        }

        await Deploy(VpnTokenService.ContractName, new VpnTokenDeployment());

        return new DeploymentManifest
        {
            Network = network,
            ChainId = (ulong)chainId,
            Deployer = deployer,
            DeployedAt = DateTimeOffset.UtcNow,
            Compiler = CompilerVersion(),
            Contracts = contracts,
        };
    }

    private static string CompilerVersion()
    {
        using var stream = typeof(OracleNetworkDeployer).Assembly.GetManifestResourceStream("Oracle.Chain.Artifacts.index.json");
        return stream is null ? "unknown" : JsonDocument.Parse(stream).RootElement.GetProperty("solc").GetString() ?? "unknown";
    }
}

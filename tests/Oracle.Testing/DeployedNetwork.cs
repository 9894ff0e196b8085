using System.Numerics;
using Nethereum.Signer;
using Oracle.Chain.Deployment;

namespace Oracle.Testing;

/// <summary>
/// The whole Oracle network (every contract, wired as the devnet wires it) deployed once per test process on the shared
/// test chain by a fresh funded account, with its manifest in a file: what a service is configured with
/// (<c>Chain:Manifest</c>). Tests that need a network of their own (other parameters, a moved clock) deploy one with
/// <see cref="OracleNetworkDeployer"/> instead. Its VRF coordinator has the public development key
/// (<c>DevelopmentKeys.Vrf()</c>): a test that draws disputes answers its randomness requests with
/// <c>Oracle.Chain.Randomness.VrfFulfiller</c>.
/// </summary>
public sealed class DeployedNetwork
{
    private static readonly Lazy<Task<DeployedNetwork>> Shared = new(DeployAsync);

    private DeployedNetwork(string rpcUrl, BigInteger chainId, DeploymentManifest manifest, string manifestPath, EthECKey deployerKey)
    {
        DeployerKey = deployerKey;
        RpcUrl = rpcUrl;
        ChainId = chainId;
        Manifest = manifest;
        ManifestPath = manifestPath;
    }

    /// <summary>The chain's JSON-RPC URL.</summary>
    public string RpcUrl { get; }

    /// <summary>The chain id.</summary>
    public BigInteger ChainId { get; }

    /// <summary>The deployment.</summary>
    public DeploymentManifest Manifest { get; }

    /// <summary>The manifest's file.</summary>
    public string ManifestPath { get; }

    /// <summary>The account that deployed it (<see cref="TestNetwork.SharedAsync"/> drives the network with it).</summary>
    internal EthECKey DeployerKey { get; }

    /// <summary>The network of this test process (deployed on first use).</summary>
    public static Task<DeployedNetwork> GetAsync() => Shared.Value;

    private static async Task<DeployedNetwork> DeployAsync()
    {
        var chain = await ChainFixture.ForAsync(await LocalServices.RpcUrlAsync());
        var (key, web3) = await chain.NewAccountAsync(1_000_000);
        var manifest = await OracleNetworkDeployer.DeployAsync(web3, "test");
        var path = Path.Combine(Directory.CreateTempSubdirectory("oracle-test-network-").FullName, "test.json");
        manifest.Save(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        return new DeployedNetwork(chain.RpcUrl, chain.ChainId, manifest, path, key);
    }
}

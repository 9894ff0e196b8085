using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Deployment;

[Collection(ChainCollection.Name)]
public sealed class OracleNetworkDeployerTests(ChainFixture chain)
{
    [Fact]
    public async Task DeployAsync_LocalChain_DeploysWiresAndRecordsEveryContract()
    {
        var (_, web3) = await chain.NewAccountAsync(1000);
        var steps = new List<string>();

        var manifest = await OracleNetworkDeployer.DeployAsync(web3, "test", new Progress<string>(steps.Add));

        // The eleven of the set plus the local network's VRF coordinator.
        Assert.Equal(12, manifest.Contracts.Count);
        Assert.All(typeof(ContractNames).GetFields().Select(f => (string)f.GetValue(null)!), name => Assert.True(manifest.Contracts.ContainsKey(name), name));
        Assert.Empty(await manifest.VerifyAsync(web3));
        Assert.Equal("PriceFeed", manifest.Contracts[ContractNames.PriceFeedBtcEth].Contract);
        Assert.Equal(manifest.AddressOf(ContractNames.TokenExchange), await new VpnTokenService(web3, manifest.AddressOf(ContractNames.VpnToken)).MinterQueryAsync(), ignoreCase: true);
        Assert.Equal(manifest.AddressOf(ContractNames.DisputeManager), await new SessionManagerService(web3, manifest.AddressOf(ContractNames.SessionManager)).DisputeManagerQueryAsync(), ignoreCase: true);
        Assert.Equal(manifest.AddressOf(ContractNames.RandomnessSource), await new DisputeManagerService(web3, manifest.AddressOf(ContractNames.DisputeManager)).RandomnessSourceQueryAsync(), ignoreCase: true);
        Assert.Equal("VrfRandomnessSource", manifest.Contracts[ContractNames.RandomnessSource].Contract);
        Assert.Equal("LocalVrfCoordinator", manifest.Contracts[ContractNames.VrfCoordinator].Contract);
        var source = new Oracle.Chain.Contracts.VrfRandomnessSource.VrfRandomnessSourceService(web3, manifest.AddressOf(ContractNames.RandomnessSource));
        Assert.Equal(manifest.AddressOf(ContractNames.DisputeManager), await source.ConsumerQueryAsync(), ignoreCase: true);
        Assert.Equal(manifest.AddressOf(ContractNames.VrfCoordinator), await source.CoordinatorQueryAsync(), ignoreCase: true);
        Assert.Equal(manifest.AddressOf(ContractNames.SessionManager), await new Oracle.Chain.Contracts.ProviderRegistry.ProviderRegistryService(web3, manifest.AddressOf(ContractNames.ProviderRegistry)).SessionManagerQueryAsync(), ignoreCase: true);
        Assert.Equal(31337UL, manifest.ChainId);
    }

    [Fact]
    public async Task DeployAsync_ContradictoryParameters_ThrowsBeforeAnyTransaction()
    {
        var (_, web3) = await chain.NewAccountAsync(10);
        var bad = NetworkParameters.Devnet with { ProviderUnbondingDelay = TimeSpan.FromDays(1) };

        await Assert.ThrowsAsync<ArgumentException>(() => OracleNetworkDeployer.DeployAsync(web3, "test", bad));
        await Assert.ThrowsAsync<ArgumentException>(() => OracleNetworkDeployer.DeployAsync(web3, "test", NetworkParameters.Devnet with { VrfCoordinator = "0x0000000000000000000000000000000000000001" }));
        await Assert.ThrowsAsync<ArgumentException>(() => OracleNetworkDeployer.DeployAsync(web3, "test", NetworkParameters.Devnet with { SnapshotJoinWindow = TimeSpan.Zero }));
    }
}

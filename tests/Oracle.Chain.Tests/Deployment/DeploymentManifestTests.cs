using Oracle.Chain.Deployment;

namespace Oracle.Chain.Tests.Deployment;

public sealed class DeploymentManifestTests
{
    [Fact]
    public void SaveAndLoad_RoundTrip_KeepsEveryContract()
    {
        var manifest = new DeploymentManifest
        {
            Network = "test",
            ChainId = 31337,
            Deployer = "0x0000000000000000000000000000000000000001",
            DeployedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            Compiler = "0.8.37",
            Contracts = new Dictionary<string, DeployedContract>
            {
                [ContractNames.PriceFeedVpnEth] = new() { Address = "0x00000000000000000000000000000000000000A1", BlockNumber = 7, TransactionHash = "0x01", BytecodeHash = "ab", SourceHash = "cd", Contract = "PriceFeed" },
                [ContractNames.SessionManager] = new() { Address = "0x00000000000000000000000000000000000000B2", BlockNumber = 9, TransactionHash = "0x02", BytecodeHash = "ef", SourceHash = "01", Contract = "SessionManager" },
            },
        };
        var path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        try
        {
            manifest.Save(path);
            var loaded = DeploymentManifest.Load(path);

            Assert.Equal(manifest.Network, loaded.Network);
            Assert.Equal(manifest.DeployedAt, loaded.DeployedAt);
            Assert.Equal("PriceFeed", loaded.Contracts[ContractNames.PriceFeedVpnEth].Contract);
            Assert.Equal(manifest.Contracts[ContractNames.SessionManager], loaded.Contracts[ContractNames.SessionManager]);
            Assert.Equal("0x00000000000000000000000000000000000000B2", loaded.AddressOf(ContractNames.SessionManager));
            Assert.Throws<KeyNotFoundException>(() => loaded.AddressOf(ContractNames.DisputeManager));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NotAManifest_ThrowsInvalidData()
    {
        var path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ not json");
        try
        {
            Assert.Throws<InvalidDataException>(() => DeploymentManifest.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_UnbondingShorterThanSessionPlusWindow_Throws()
    {
        var parameters = NetworkParameters.Devnet with { ProviderUnbondingDelay = TimeSpan.FromDays(10) };
        Assert.Throws<ArgumentException>(parameters.Validate);
        Assert.Throws<ArgumentException>((NetworkParameters.Devnet with { LockPerSeat = 0 }).Validate);
        Assert.Throws<ArgumentException>((NetworkParameters.Devnet with { MaxRounds = 5 }).Validate);
        NetworkParameters.Devnet.Validate();
    }
}

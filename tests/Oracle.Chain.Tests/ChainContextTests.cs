using System.Security.Cryptography;
using Nethereum.Signer;
using Oracle.Chain;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Testing;

namespace Oracle.Chain.Tests;

/// <summary>The one chain context every service makes at start: checked once, wrong settings refused in one line.</summary>
[Collection(ChainCollection.Name)]
public sealed class ChainContextTests(ChainFixture chain) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chain-context-");

    [Fact]
    public async Task CreateAsync_NodeAndManifest_ChainIdFromTheNodeAddressesAndBlocksFromTheManifest()
    {
        var (manifestPath, manifest) = await DeployTokenAsync();

        var context = await ChainContext.CreateAsync(new ChainOptions { RpcUrl = chain.RpcUrl, Manifest = manifestPath });

        Assert.Equal((ulong)chain.ChainId, context.ChainId);
        Assert.True(context.IsOnline);
        Assert.Equal(manifest.AddressOf(ContractNames.VpnToken), context.AddressOf(ContractNames.VpnToken));
        Assert.Equal(manifest.Contracts[ContractNames.VpnToken].BlockNumber, context.DeploymentBlock(ContractNames.VpnToken));
        Assert.Null(context.Signer);
        Assert.Equal("VPN", await new VpnTokenService(context.Web3, context.AddressOf(ContractNames.VpnToken)).SymbolQueryAsync());
    }

    [Fact]
    public async Task CreateAsync_ManifestOfAnotherChain_FailsNamingBothIds()
    {
        var (manifestPath, manifest) = await DeployTokenAsync();
        (manifest with { ChainId = 1 }).Save(manifestPath);

        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { RpcUrl = chain.RpcUrl, Manifest = manifestPath }));

        Assert.Contains("is for chain 1", e.Message, StringComparison.Ordinal);
        Assert.Contains($"is chain {chain.ChainId}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task CreateAsync_ConfiguredChainIdDisagreesWithTheNode_Fails()
    {
        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { RpcUrl = chain.RpcUrl, ChainId = 5 }));

        Assert.Contains("Chain:ChainId is 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_NodeDoesNotAnswer_FailsNamingTheUrl()
    {
        // Nothing listens on port 9 of loopback.
        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { RpcUrl = "http://127.0.0.1:9" }));

        Assert.Contains("http://127.0.0.1:9", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_AddressWithoutCode_FailsNamingTheContract()
    {
        var nobody = EthECKey.GenerateKey().GetPublicAddress();

        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions
        {
            RpcUrl = chain.RpcUrl,
            Contracts = { [ContractNames.SessionManager] = nobody },
        }));

        Assert.Contains($"SessionManager at {nobody}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("ftp://127.0.0.1:8545")]
    public async Task CreateAsync_RpcUrlNotHttp_Fails(string url)
    {
        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { RpcUrl = url }));

        Assert.Contains("Chain:RpcUrl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Offline_ChainIdAndAddressesFromTheConfiguration()
    {
        var sessionManager = EthECKey.GenerateKey().GetPublicAddress();

        var context = await ChainContext.CreateAsync(new ChainOptions { ChainId = 10, Contracts = { [ContractNames.SessionManager] = sessionManager.ToLowerInvariant() } });

        Assert.False(context.IsOnline);
        Assert.Equal(10UL, context.ChainId);
        Assert.Equal(sessionManager, context.SessionManagerDomain.VerifyingContract);
        Assert.Equal(10, (int)context.SessionManagerDomain.ChainId);
        Assert.Throws<ChainContextException>(() => context.Web3);
    }

    [Fact]
    public async Task CreateAsync_OfflineWithoutAnyChainId_FailsSayingWhatToSet()
    {
        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions()));

        Assert.Contains("Chain:RpcUrl", e.Message, StringComparison.Ordinal);
        Assert.Contains("Chain:ChainId", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_InvalidContractAddress_Fails()
    {
        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { ChainId = 10, Contracts = { ["SessionManager"] = "0x1234" } }));

        Assert.Contains("Chain:Contracts:SessionManager", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_Keystore_DecryptedOnceWithThePasswordFile()
    {
        var key = new EthECKey(RandomNumberGenerator.GetBytes(32), isPrivate: true);
        var (keystore, password) = Keystore(key, "right");

        var context = await ChainContext.CreateAsync(new ChainOptions { ChainId = 10, Keystore = keystore, PasswordFile = password });

        Assert.Equal(key.GetPublicAddress(), context.Address);
    }

    [Fact]
    public async Task CreateAsync_WrongKeystorePassword_FailsNamingTheKeystore()
    {
        var (keystore, password) = Keystore(new EthECKey(RandomNumberGenerator.GetBytes(32), isPrivate: true), "right");
        File.WriteAllText(password, "wrong\n");

        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { ChainId = 10, Keystore = keystore, PasswordFile = password }));

        Assert.Contains(keystore, e.Message, StringComparison.Ordinal);
        Assert.Contains("wrong password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_DevelopmentKeyOnARealChain_Refused()
    {
        var (keystore, password) = Keystore(DevelopmentKeys.Key(3), "devnet");

        var e = await Assert.ThrowsAsync<ChainContextException>(() => ChainContext.CreateAsync(new ChainOptions { ChainId = 1, Keystore = keystore, PasswordFile = password }));
        var local = await ChainContext.CreateAsync(new ChainOptions { ChainId = 1337, Keystore = keystore, PasswordFile = password });

        Assert.Contains("development key", e.Message, StringComparison.Ordinal);
        Assert.Equal(DevelopmentKeys.Key(3).GetPublicAddress(), local.Address);
    }

    [Fact]
    public void RequireSigner_NoKeystore_SaysWhichSettingAndWhy()
    {
        var context = ChainContext.Offline(10, new Dictionary<string, string>());

        var e = Assert.Throws<ChainContextException>(() => context.RequireSigner("metering signs checkpoints"));

        Assert.Contains("metering signs checkpoints", e.Message, StringComparison.Ordinal);
        Assert.Contains("Chain:Keystore", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Delete(recursive: true);

    private async Task<(string Path, DeploymentManifest Manifest)> DeployTokenAsync()
    {
        var (key, web3) = await chain.NewAccountAsync();
        var token = await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment());
        var manifest = new DeploymentManifest
        {
            Network = "context-test",
            ChainId = (ulong)chain.ChainId,
            Deployer = key.GetPublicAddress(),
            DeployedAt = DateTimeOffset.UtcNow,
            Compiler = "0.8.37",
            Contracts = new Dictionary<string, DeployedContract> { [ContractNames.VpnToken] = token },
        };
        var path = Path.Combine(_folder.FullName, "manifest.json");
        manifest.Save(path);
        return (path, manifest);
    }

    private (string Keystore, string PasswordFile) Keystore(EthECKey key, string password)
    {
        var keystore = Path.Combine(_folder.FullName, $"key-{Guid.NewGuid():N}.json");
        KeyStoreFile.Create(keystore, key, password, KeyStoreCost.Light);
        var passwordFile = keystore + ".password";
        File.WriteAllText(passwordFile, password + "\n");
        return (keystore, passwordFile);
    }
}

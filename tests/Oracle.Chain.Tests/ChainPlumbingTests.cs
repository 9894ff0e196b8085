using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Chain.Keys;
using Oracle.Testing;

namespace Oracle.Chain.Tests;

/// <summary>The foundation's proof that contracts deploy and answer through the generated bindings on the real chain.</summary>
[Collection(ChainCollection.Name)]
public sealed class ChainPlumbingTests(ChainFixture chain)
{
    [Fact]
    public async Task DeployAsync_VpnToken_AnswersThroughTypedBindings()
    {
        var (_, web3) = await chain.NewAccountAsync();
        var deployed = await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment());
        var token = new VpnTokenService(web3, deployed.Address);

        Assert.Equal("Oracle VPN Token", await token.NameQueryAsync());
        Assert.Equal("VPN", await token.SymbolQueryAsync());
        Assert.Equal(18, await token.DecimalsQueryAsync());
        Assert.Equal(BigInteger.Zero, await token.TotalSupplyQueryAsync());
        Assert.Equal(Oracle.Chain.Artifacts.ContractArtifacts.Get("VpnToken").BytecodeHash, deployed.BytecodeHash);
    }

    [Fact]
    public async Task SendAsync_RevertingCall_ThrowsWithTheCustomErrorDecoded()
    {
        var (_, owner) = await chain.NewAccountAsync();
        var (stranger, strangerWeb3) = await chain.NewAccountAsync();
        var address = (await ContractDeployer.DeployAsync(owner, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;

        var e = await Assert.ThrowsAsync<ContractRevertedException>(() => new VpnTokenService(strangerWeb3, address).SetMinterAsync(stranger.GetPublicAddress()));

        Assert.Equal("VpnTokenUnauthorizedMinter", e.Error.Name);
        Assert.Equal(stranger.GetPublicAddress().ToLowerInvariant(), ((string)e.Error["caller"]!).ToLowerInvariant());
    }

    [Fact]
    public async Task TrySendAsync_RevertingCall_ReturnsTheErrorAsAValue()
    {
        var (owner, web3) = await chain.NewAccountAsync();
        var token = new VpnTokenService(web3, (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address);
        await token.SetMinterAsync(owner.GetPublicAddress());

        var again = await token.TrySendAsync(new SetMinterFunction { Minter = owner.GetPublicAddress() });
        var zero = await token.TrySendAsync(new MintFunction { To = owner.GetPublicAddress(), Amount = 5 });

        Assert.False(again.IsSuccess);
        Assert.Equal("VpnTokenMinterAlreadySet", again.Error.Name);
        Assert.True(zero.IsSuccess);
        Assert.Equal(5, await token.BalanceOfQueryAsync(owner.GetPublicAddress()));
    }

    [Fact]
    public async Task OracleNetworkDeployer_Manifest_SavesLoadsAndMatchesTheChain()
    {
        var (_, web3) = await chain.NewAccountAsync();
        var manifest = await OracleNetworkDeployer.DeployAsync(web3, "test");
        var path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        try
        {
            manifest.Save(path);
            var loaded = DeploymentManifest.Load(path);

            Assert.Equal(31337UL, loaded.ChainId);
            Assert.Equal(manifest.Contracts.Keys.Order(), loaded.Contracts.Keys.Order());
            Assert.Empty(await loaded.VerifyAsync(chain.ReadOnly));
            Assert.Contains("chain 1", (await (loaded with { ChainId = 1 }).VerifyAsync(chain.ReadOnly)).Single());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DeploymentManifest_NotAManifest_SaysSo()
    {
        var path = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, "{ \"network\": 5 }");
        try
        {
            Assert.Throws<InvalidDataException>(() => DeploymentManifest.Load(path));
            Assert.Throws<FileNotFoundException>(() => DeploymentManifest.Load(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task KeyStoreFile_CreatedKey_SignsForTheSameAddressOnChain()
    {
        var folder = Directory.CreateTempSubdirectory("keystore-");
        try
        {
            var path = Path.Combine(folder.FullName, "provider.json");
            var (key, _) = await chain.NewAccountAsync();
            KeyStoreFile.Create(path, key, "correct horse", KeyStoreCost.Light);

            var loaded = KeyStoreFile.Load(path, "correct horse");
            var web3 = await chain.ConnectAsync(loaded);

            Assert.Equal(key.GetPublicAddress(), loaded.GetPublicAddress());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(key.GetPublicAddress(), web3.TransactionManager.Account.Address);
            Assert.Throws<KeyStoreException>(() => KeyStoreFile.Load(path, "wrong"));
            Assert.Throws<IOException>(() => KeyStoreFile.Create(path, key, "again", KeyStoreCost.Light));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void KeyStoreFile_PasswordFromFileOrEnvironment_IsUsed()
    {
        var folder = Directory.CreateTempSubdirectory("keystore-");
        try
        {
            var path = Path.Combine(folder.FullName, "k.json");
            var passwordFile = Path.Combine(folder.FullName, "password");
            KeyStoreFile.Create(path, DevelopmentKeys.Key(5), "s3cret", KeyStoreCost.Light);
            File.WriteAllText(passwordFile, "s3cret\n");

            Assert.Equal(DevelopmentKeys.Key(5).GetPublicAddress(), KeyStoreFile.LoadWithPasswordFile(path, passwordFile).GetPublicAddress());
            Assert.Equal(DevelopmentKeys.Key(5).GetPublicAddress(), KeyStoreFile.LoadWithPasswordFile(path, null, v => v == KeyStoreFile.PasswordVariable ? "s3cret" : null).GetPublicAddress());
            Assert.Throws<KeyStoreException>(() => KeyStoreFile.LoadWithPasswordFile(path, null, _ => null));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void DevelopmentKeys_AnyChainButTheLocalOne_AreRefused()
    {
        DevelopmentKeys.EnsureLocal(31337);
        Assert.Throws<InvalidOperationException>(() => DevelopmentKeys.EnsureLocal(1));
        Assert.Equal("0x" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("oracle devnet account 0"u8)), DevelopmentKeys.Key(0).GetPrivateKey());
    }

    [Fact]
    public void ContractErrorDecoder_StandardAndUnknownData_Decode()
    {
        Assert.Equal("Panic", ContractErrorDecoder.Decode("0x4e487b710000000000000000000000000000000000000000000000000000000000000011").Name);
        Assert.Equal((BigInteger)0x11, ContractErrorDecoder.Decode("0x4e487b710000000000000000000000000000000000000000000000000000000000000011")["code"]);
        Assert.Equal(ContractError.UnknownName, ContractErrorDecoder.Decode("0xdeadbeef").Name);
        Assert.Equal(ContractError.UnknownName, ContractErrorDecoder.Decode("0x").Name);
        Assert.Equal(ContractError.UnknownName, ContractErrorDecoder.Decode(null).Name);
    }
}

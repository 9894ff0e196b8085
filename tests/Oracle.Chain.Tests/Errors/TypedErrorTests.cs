using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Errors;

/// <summary>Reverts decode into the generated error classes, so tests and services compare types, not name strings.</summary>
[Collection(ChainCollection.Name)]
public sealed class TypedErrorTests(ChainFixture chain)
{
    [Fact]
    public async Task As_RevertOfTheDeclaredError_DecodesItsArguments()
    {
        var (_, owner) = await chain.NewAccountAsync();
        var (stranger, strangerWeb3) = await chain.NewAccountAsync();
        var address = (await ContractDeployer.DeployAsync(owner, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;

        var error = await Reverts.WithAsync<VpnTokenUnauthorizedMinterError>(() => new VpnTokenService(strangerWeb3, address).SetMinterAsync(stranger.GetPublicAddress()));

        Assert.Equal(stranger.GetPublicAddress(), error.Caller, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task As_AnotherError_SaysWhichItWas()
    {
        var (owner, web3) = await chain.NewAccountAsync();
        var token = new VpnTokenService(web3, (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address);
        await token.SetMinterAsync(owner.GetPublicAddress());

        var e = await Assert.ThrowsAsync<ContractRevertedException>(() => token.SetMinterAsync(owner.GetPublicAddress()));

        Assert.True(e.Error.Is<VpnTokenMinterAlreadySetError>());
        Assert.False(e.Error.Is<VpnTokenUnauthorizedMinterError>());
        Assert.Contains("VpnTokenMinterAlreadySet", Assert.Throws<InvalidOperationException>(() => e.Error.As<VpnTokenUnauthorizedMinterError>()).Message, StringComparison.Ordinal);
    }
}

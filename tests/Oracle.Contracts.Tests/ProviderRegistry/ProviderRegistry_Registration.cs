using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.ProviderRegistry;

[Collection(ChainCollection.Name)]
public sealed class ProviderRegistry_Registration(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;

    public async Task InitializeAsync() => _network = await TestNetwork.DeployAsync(chain);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Register_WithBond_PublishesDiscoverableProvider()
    {
        var provider = await _network.NewActorAsync(vpn: 1000);
        await TestNetwork.ApproveAsync(provider, _network.AddressOf(ContractNames.ProviderRegistry), Vpn.Tokens(1000));
        var info = TestNetwork.ProviderInfo(region: "US-CA", pricePerMiB: 42);

        var registered = TestNetwork.Event<ProviderRegisteredEvent>(await provider.Providers.RegisterAsync(info, Vpn.Tokens(600)));

        Assert.Equal(TestNetwork.Region("US-CA"), registered.Region);
        Assert.Equal(42, registered.PricePerMiB);
        var p = (await provider.Providers.GetProviderQueryAsync(provider.Address)).P;
        Assert.Equal((byte)ProviderStatus.Active, p.Status);
        Assert.Equal(info.Endpoint, p.Info.Endpoint);
        Assert.Equal(info.TunnelPublicKey, p.Info.TunnelPublicKey);
        Assert.Equal(Vpn.Tokens(600), p.Bond);
        var terms = await provider.Providers.SessionTermsQueryAsync(provider.Address);
        Assert.True(terms.Active);
        Assert.Equal(info.PolicyHash, terms.PolicyHash);
        var count = await provider.Providers.ProviderCountQueryAsync();
        var listed = new List<string>();
        for (var i = 0; i < count; i++)
        {
            listed.Add(await provider.Providers.ProviderAtQueryAsync(i));
        }

        Assert.Contains(provider.Address, listed, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UpdateAddBondUnbondWithdraw_FullLifecycle()
    {
        var provider = await _network.NewProviderAsync(bond: 500, extraVpn: 100);
        await provider.Providers.UpdateAsync(TestNetwork.ProviderInfo(region: "FR", pricePerMiB: 7, policy: "v2"));
        await TestNetwork.ApproveAsync(provider, _network.AddressOf(ContractNames.ProviderRegistry), Vpn.Tokens(100));
        var added = TestNetwork.Event<BondAddedEvent>(await provider.Providers.AddBondAsync(Vpn.Tokens(100)));
        Assert.Equal(Vpn.Tokens(600), added.Bond);

        await provider.Providers.RequestUnbondAsync();
        Assert.False((await provider.Providers.SessionTermsQueryAsync(provider.Address)).Active);
        await Revert.WithAsync("ProviderStillUnbonding", () => provider.Providers.WithdrawBondAsync());
        await Revert.WithAsync("ProviderNotActive", () => provider.Providers.UpdateAsync(TestNetwork.ProviderInfo()));
        await chain.IncreaseTimeAsync(_network.Parameters.ProviderUnbondingDelay);
        var before = await provider.VpnBalanceAsync();
        await provider.Providers.WithdrawBondAsync();

        Assert.Equal(before + Vpn.Tokens(600), await provider.VpnBalanceAsync());
        Assert.Equal((byte)ProviderStatus.None, (await provider.Providers.GetProviderQueryAsync(provider.Address)).P.Status);
        await Revert.WithAsync("ProviderNotRegistered", () => provider.Providers.WithdrawBondAsync());
    }

    [Fact]
    public async Task Registry_BadRegistrationsAndCallers_RevertWithNamedErrors()
    {
        var actor = await _network.NewActorAsync(vpn: 2000);
        await TestNetwork.ApproveAsync(actor, _network.AddressOf(ContractNames.ProviderRegistry), Vpn.Tokens(2000));
        var bad = TestNetwork.ProviderInfo();
        bad.Endpoint = "";

        await Revert.WithAsync("ProviderBondTooLow", () => actor.Providers.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(499)));
        var error = await Revert.WithAsync("ProviderInvalidInfo", () => actor.Providers.RegisterAsync(bad, Vpn.Tokens(500)));
        Assert.Equal("endpoint", error["field"]);
        await Revert.WithAsync("ProviderNotActive", () => actor.Providers.UpdateAsync(TestNetwork.ProviderInfo()));
        await Revert.WithAsync("ProviderNotActive", () => actor.Providers.AddBondAsync(1));
        await Revert.WithAsync("ProviderNotActive", () => actor.Providers.RequestUnbondAsync());
        await actor.Providers.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(500));
        await Revert.WithAsync("ProviderAlreadyRegistered", () => actor.Providers.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(500)));
        await Revert.WithAsync("ProviderBondTooLow", () => actor.Providers.AddBondAsync(0));
        await Revert.WithAsync("ProviderUnauthorized", () => actor.Providers.ReserveBondAsync(actor.Address, 1));
        await Revert.WithAsync("ProviderUnauthorized", () => actor.Providers.ReleaseBondAsync(actor.Address, 1));
        await Revert.WithAsync("ProviderUnauthorized", () => actor.Providers.SlashBondAsync(actor.Address, 1, actor.Address));
        await Revert.WithAsync("ProviderUnauthorized", () => actor.Providers.SetSessionManagerAsync(actor.Address));
        await Revert.WithAsync("ProviderSessionManagerAlreadySet", () => _network.Deployer.Providers.SetSessionManagerAsync(actor.Address));
        Assert.Equal(Vpn.Tokens(500), await actor.Providers.MinBondQueryAsync());
        Assert.Equal((ulong)_network.Parameters.ProviderUnbondingDelay.TotalSeconds, await actor.Providers.UnbondingDelayQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await actor.Providers.TokenQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.SessionManager), await actor.Providers.SessionManagerQueryAsync(), ignoreCase: true);
    }

    [Fact]
    public async Task SessionManagerCalls_ReservedBond_BlocksWithdrawalAndGuardsUnderflow()
    {
        var manager = await _network.NewActorAsync();
        var deployed = await ContractDeployer.DeployAsync(manager.Web3, "ProviderRegistry", new ProviderRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinBond = Vpn.Tokens(500), UnbondingDelay = 60 });
        var registry = new ProviderRegistryService(manager.Web3, deployed.Address);
        await registry.SetSessionManagerAsync(manager.Address);
        var provider = await _network.NewActorAsync(vpn: 600);
        await TestNetwork.ApproveAsync(provider, deployed.Address, Vpn.Tokens(600));
        var own = new ProviderRegistryService(provider.Web3, deployed.Address);
        await own.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(600));

        // A reservation beyond the free bond reserves nothing (the session manager then refuses the session).
        Assert.Empty(TestNetwork.Events<BondReservedEvent>(await registry.ReserveBondAsync(provider.Address, Vpn.Tokens(601))));
        var reserved = TestNetwork.Event<BondReservedEvent>(await registry.ReserveBondAsync(provider.Address, Vpn.Tokens(600)));
        Assert.Equal(Vpn.Tokens(600), reserved.ReservedBond);
        Assert.Equal(0, await registry.FreeBondQueryAsync(provider.Address));
        await Revert.WithAsync("ProviderReservationUnderflow", () => registry.ReleaseBondAsync(provider.Address, Vpn.Tokens(601)));
        await Revert.WithAsync("ProviderReservationUnderflow", () => registry.SlashBondAsync(provider.Address, Vpn.Tokens(601), manager.Address));
        await own.RequestUnbondAsync();
        await chain.IncreaseTimeAsync(TimeSpan.FromMinutes(2));
        await Revert.WithAsync("ProviderBondReserved", () => own.WithdrawBondAsync());
        await registry.SlashBondAsync(provider.Address, Vpn.Tokens(100), manager.Address);
        await registry.ReleaseBondAsync(provider.Address, Vpn.Tokens(500));
        var before = await provider.VpnBalanceAsync();
        await own.WithdrawBondAsync();
        Assert.Equal(Vpn.Tokens(100), await manager.VpnBalanceAsync());
        Assert.Equal(before + Vpn.Tokens(500), await provider.VpnBalanceAsync());
    }

    [Fact]
    public async Task BondBelowMinimum_SlashedProvider_TakesNoSessionUntilItAddsBond()
    {
        var manager = await _network.NewActorAsync();
        var deployed = await ContractDeployer.DeployAsync(manager.Web3, "ProviderRegistry", new ProviderRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinBond = Vpn.Tokens(500), UnbondingDelay = 60 });
        var registry = new ProviderRegistryService(manager.Web3, deployed.Address);
        await registry.SetSessionManagerAsync(manager.Address);
        var provider = await _network.NewActorAsync(vpn: 700);
        await TestNetwork.ApproveAsync(provider, deployed.Address, Vpn.Tokens(700));
        var own = new ProviderRegistryService(provider.Web3, deployed.Address);
        await own.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(600));
        await registry.ReserveBondAsync(provider.Address, Vpn.Tokens(200));
        await registry.SlashBondAsync(provider.Address, Vpn.Tokens(200), manager.Address);

        // 400 left, below the minimum of 500: no new session, and nothing is reserved.
        Assert.False((await registry.SessionTermsQueryAsync(provider.Address)).Active);
        Assert.Empty(TestNetwork.Events<BondReservedEvent>(await registry.ReserveBondAsync(provider.Address, Vpn.Tokens(1))));
        await own.AddBondAsync(Vpn.Tokens(100));
        Assert.True((await registry.SessionTermsQueryAsync(provider.Address)).Active);
    }
    [Fact]
    public async Task WithdrawBond_DustReservationsLeft_WithdrawsTheRestAndTheReservedPartLater()
    {
        // A reservation, however small (a griefer's sessions of 1 wei of penalty), never holds the rest of the bond.
        var manager = await _network.NewActorAsync();
        var deployed = await ContractDeployer.DeployAsync(manager.Web3, "ProviderRegistry", new ProviderRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinBond = Vpn.Tokens(500), UnbondingDelay = 60 });
        var registry = new ProviderRegistryService(manager.Web3, deployed.Address);
        await registry.SetSessionManagerAsync(manager.Address);
        var provider = await _network.NewActorAsync(vpn: 600);
        await TestNetwork.ApproveAsync(provider, deployed.Address, Vpn.Tokens(600));
        var own = new ProviderRegistryService(provider.Web3, deployed.Address);
        await own.RegisterAsync(TestNetwork.ProviderInfo(), Vpn.Tokens(600));
        await registry.ReserveBondAsync(provider.Address, 1);
        await own.RequestUnbondAsync();
        await chain.IncreaseTimeAsync(TimeSpan.FromMinutes(2));
        var before = await provider.VpnBalanceAsync();

        await own.WithdrawBondAsync();

        Assert.Equal(before + Vpn.Tokens(600) - 1, await provider.VpnBalanceAsync());
        var left = (await own.GetProviderQueryAsync(provider.Address)).P;
        Assert.Equal(1, left.Bond);
        Assert.Equal(1, left.ReservedBond);
        Assert.False((await own.SessionTermsQueryAsync(provider.Address)).Active);
        await Revert.WithAsync("ProviderBondReserved", () => own.WithdrawBondAsync());
        await registry.ReleaseBondAsync(provider.Address, 1);
        await own.WithdrawBondAsync();
        Assert.Equal(before + Vpn.Tokens(600), await provider.VpnBalanceAsync());
        Assert.Equal(0, (await own.GetProviderQueryAsync(provider.Address)).P.Status);
    }
}

using System.Numerics;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Deployment;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.OracleRegistry;

[Collection(ChainCollection.Name)]
public sealed class OracleRegistry_Staking(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;

    public async Task InitializeAsync() => _network = await TestNetwork.DeployAsync(chain);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stake_AboveMinimum_AddsDrawWeight()
    {
        var before = await _network.Deployer.Oracles.TotalWeightQueryAsync();
        var oracle = await _network.NewOracleAsync(1500);

        Assert.True(await oracle.Oracles.IsOracleQueryAsync(oracle.Address));
        Assert.Equal(Vpn.Tokens(1500), (await oracle.Oracles.OracleInfoQueryAsync(oracle.Address)).Info.Stake);
        Assert.Equal(before + (Vpn.Tokens(1500) / Vpn.Tokens(1) * 1000), await oracle.Oracles.TotalWeightQueryAsync());
    }

    [Fact]
    public async Task StakeFor_FunderPays_OracleOwnsTheStake()
    {
        var funder = await _network.NewActorAsync(vpn: 1000);
        var oracle = await _network.NewActorAsync();
        await TestNetwork.ApproveAsync(funder, _network.AddressOf(ContractNames.OracleRegistry), Vpn.Tokens(1000));

        var staked = TestNetwork.Event<StakedEvent>(await funder.Oracles.StakeForAsync(oracle.Address, Vpn.Tokens(1000)));

        Assert.Equal(oracle.Address, staked.Oracle, ignoreCase: true);
        Assert.Equal(funder.Address, staked.Payer, ignoreCase: true);
        await Revert.WithAsync("OracleRegistryInsufficientFreeStake", () => funder.Oracles.RequestUnstakeAsync(Vpn.Tokens(1)));
    }

    [Fact]
    public async Task UnstakeAndWithdraw_AfterDelay_ReturnsTokensAndRemovesWeight()
    {
        var oracle = await _network.NewOracleAsync(1000);
        var weight = await oracle.Oracles.TotalWeightQueryAsync();
        var requested = TestNetwork.Event<UnstakeRequestedEvent>(await oracle.Oracles.RequestUnstakeAsync(Vpn.Tokens(1000)));

        Assert.Equal(weight - 1_000_000, await oracle.Oracles.TotalWeightQueryAsync());
        Assert.False(await oracle.Oracles.IsOracleQueryAsync(oracle.Address));
        await Revert.WithAsync("OracleRegistryNotUnstakable", () => oracle.Oracles.WithdrawAsync());
        await chain.IncreaseTimeAsync(_network.Parameters.OracleUnbondingDelay);
        var before = await oracle.VpnBalanceAsync();
        await oracle.Oracles.WithdrawAsync();

        Assert.Equal(before + Vpn.Tokens(1000), await oracle.VpnBalanceAsync());
        Assert.True(requested.UnstakableAt > 0);
        await Revert.WithAsync("OracleRegistryNotUnstakable", () => oracle.Oracles.WithdrawAsync());
    }

    [Fact]
    public async Task Staking_BadAmountsAndCallers_RevertWithNamedErrors()
    {
        var actor = await _network.NewActorAsync(vpn: 2000);
        await TestNetwork.ApproveAsync(actor, _network.AddressOf(ContractNames.OracleRegistry), Vpn.Tokens(2000));

        await Revert.WithAsync("OracleRegistryZeroAmount", () => actor.Oracles.StakeAsync(0));
        await Revert.WithAsync("OracleRegistryBelowMinimum", () => actor.Oracles.StakeAsync(Vpn.Tokens(999)));
        await actor.Oracles.StakeAsync(Vpn.Tokens(1500));
        await Revert.WithAsync("OracleRegistryZeroAmount", () => actor.Oracles.RequestUnstakeAsync(0));
        await Revert.WithAsync("OracleRegistryBelowMinimum", () => actor.Oracles.RequestUnstakeAsync(Vpn.Tokens(600)));
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.OpenSnapshotAsync());
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.SlashAsync(actor.Address, 1));
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.UnlockAsync(actor.Address, 1));
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.LockPanelAsync([actor.Address], 1));
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.DrawCommitteeAsync(1, new byte[32], 1, 1, actor.Address, actor.Address));
        await Revert.WithAsync("OracleRegistryUnauthorized", () => actor.Oracles.SetDisputeManagerAsync(actor.Address));
        await Revert.WithAsync("OracleRegistryDisputeManagerAlreadySet", () => _network.Deployer.Oracles.SetDisputeManagerAsync(actor.Address));
        Assert.Equal(Vpn.Tokens(1000), await actor.Oracles.MinStakeQueryAsync());
        Assert.Equal((ulong)_network.Parameters.OracleUnbondingDelay.TotalSeconds, await actor.Oracles.UnbondingDelayQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.DisputeManager), await actor.Oracles.DisputeManagerQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await actor.Oracles.TokenQueryAsync(), ignoreCase: true);
        Assert.True(await actor.Oracles.OracleCountQueryAsync() >= 4);
        Assert.Equal((ulong)_network.Parameters.SnapshotJoinWindow.TotalSeconds, await actor.Oracles.SnapshotJoinWindowQueryAsync());
    }

    [Fact]
    public async Task DisputeManagerCalls_BeyondLockOrWithoutSnapshot_RevertOrDrawNothing()
    {
        // A registry whose "dispute manager" is a test account, to reach the guards the real one never trips.
        var manager = await _network.NewActorAsync();
        await Revert.WithAsync("OracleRegistryInvalidSnapshotWindows", () => ContractDeployer.DeployAsync(manager.Web3, "OracleRegistry", new OracleRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinStake = Vpn.Tokens(1000), UnbondingDelay = 60, SnapshotJoinWindow = 0, SnapshotLifetime = 60 }));
        await Revert.WithAsync("OracleRegistryInvalidSnapshotWindows", () => ContractDeployer.DeployAsync(manager.Web3, "OracleRegistry", new OracleRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinStake = Vpn.Tokens(1000), UnbondingDelay = 60, SnapshotJoinWindow = 60, SnapshotLifetime = 59 }));
        var deployed = await ContractDeployer.DeployAsync(manager.Web3, "OracleRegistry", new OracleRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinStake = Vpn.Tokens(1000), UnbondingDelay = 60, SnapshotJoinWindow = 60, SnapshotLifetime = 600 });
        var registry = new OracleRegistryService(manager.Web3, deployed.Address);
        await registry.SetDisputeManagerAsync(manager.Address);

        // No snapshot yet: a draw of epoch 1 draws nothing (the dispute manager then asks again).
        var none = await registry.DrawCommitteeAsync(1, new byte[32], 1, 1, manager.Address, manager.Address);
        Assert.Empty(none.Logs);
        await Revert.WithAsync("OracleRegistryLockUnderflow", () => registry.UnlockAsync(manager.Address, 1));
        await Revert.WithAsync("OracleRegistryLockUnderflow", () => registry.SlashAsync(manager.Address, 1));
        await registry.OpenSnapshotAsync();
        var info = await registry.SnapshotInfoQueryAsync();
        Assert.Equal(1U, info.Epoch);
        Assert.False(info.Exhausted);
        // An empty registry cannot fill a committee: the draw returns no one and exhausts the snapshot, so the next
        // request opens a fresh one even within the join window.
        await registry.DrawCommitteeAsync(1, new byte[32], 3, 1, manager.Address, manager.Address);
        Assert.True((await registry.SnapshotInfoQueryAsync()).Exhausted);
        await registry.OpenSnapshotAsync();
        info = await registry.SnapshotInfoQueryAsync();
        Assert.Equal(2U, info.Epoch);
        Assert.False(info.Exhausted);
    }
    [Fact]
    public async Task Snapshot_OlderThanItsLifetimeOrTwoEpochsBack_DrawsNothingThenAFreshOneDraws()
    {
        var manager = await _network.NewActorAsync(vpn: 1100);
        var deployed = await ContractDeployer.DeployAsync(manager.Web3, "OracleRegistry", new OracleRegistryDeployment { Token = _network.AddressOf(ContractNames.VpnToken), MinStake = Vpn.Tokens(1000), UnbondingDelay = 60, SnapshotJoinWindow = 60, SnapshotLifetime = 600 });
        var registry = new OracleRegistryService(manager.Web3, deployed.Address);
        await registry.SetDisputeManagerAsync(manager.Address);
        var oracle = await _network.NewActorAsync();
        await TestNetwork.ApproveAsync(manager, deployed.Address, Vpn.Tokens(1000));
        await registry.StakeForAsync(oracle.Address, Vpn.Tokens(1000));
        var outsider = "0x0000000000000000000000000000000000000001";
        Task<BigInteger> LockedAsync() => registry.OracleInfoQueryAsync(oracle.Address).ContinueWith(t => t.Result.Info.Locked);

        await registry.OpenSnapshotAsync();
        await chain.IncreaseTimeAsync(TimeSpan.FromSeconds(601));
        await registry.DrawCommitteeAsync(1, new byte[32], 1, 1, outsider, outsider);
        Assert.Equal(0, await LockedAsync());

        // The join window is over too: the next snapshot is a new epoch, which draws.
        await registry.OpenSnapshotAsync();
        Assert.Equal(2U, (await registry.SnapshotInfoQueryAsync()).Epoch);
        await registry.DrawCommitteeAsync(2, new byte[32], 1, 1, outsider, outsider);
        Assert.Equal(1, await LockedAsync());

        // Two newer epochs later, epoch 2 is no longer readable, however young.
        await chain.IncreaseTimeAsync(TimeSpan.FromSeconds(61));
        await registry.OpenSnapshotAsync();
        await chain.IncreaseTimeAsync(TimeSpan.FromSeconds(61));
        await registry.OpenSnapshotAsync();
        Assert.Equal(4U, (await registry.SnapshotInfoQueryAsync()).Epoch);
        await registry.DrawCommitteeAsync(2, new byte[32], 1, 1, outsider, outsider);
        Assert.Equal(1, await LockedAsync());
        await registry.DrawCommitteeAsync(3, new byte[32], 1, 1, outsider, outsider);
        Assert.Equal(2, await LockedAsync());
        Assert.Equal(600UL, await registry.SnapshotLifetimeQueryAsync());
    }
}

namespace Oracle.Testing.Tests;

[Collection(ChainCollection.Name)]
public sealed class ChainFixtureTests(ChainFixture chain)
{
    [Fact]
    public async Task IncreaseTimeAsync_OneMinute_MovesTheBlockTimestamp()
    {
        var before = await chain.LatestTimestampAsync();
        await chain.IncreaseTimeAsync(TimeSpan.FromMinutes(1));
        Assert.True(await chain.LatestTimestampAsync() >= before + 60);
    }

    [Fact]
    public async Task RevertAsync_Snapshot_UndoesABalanceChange()
    {
        var (key, _) = await chain.NewAccountAsync(5);
        var address = key.GetPublicAddress();
        var snapshot = await chain.SnapshotAsync();
        await chain.SetBalanceAsync(address, 1);
        Assert.Equal(1, (await chain.ReadOnly.Eth.GetBalance.SendRequestAsync(address)).Value);

        await chain.RevertAsync(snapshot);

        Assert.Equal(Nethereum.Web3.Web3.Convert.ToWei(5), (await chain.ReadOnly.Eth.GetBalance.SendRequestAsync(address)).Value);
    }

    [Fact]
    public async Task ConnectAsync_DevelopmentKey_IsFunded()
    {
        var web3 = await chain.ConnectAsync(63);
        var balance = await web3.Eth.GetBalance.SendRequestAsync(web3.TransactionManager.Account.Address);
        Assert.True(balance.Value > 0);
    }
}

using Arbitration.Api.ReadModel;
using Arbitration.Api.Tests.Support;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.ReadModel;

/// <summary>
/// The projection undoes blocks exactly: rolled back to a block, the read model is row for row what it was at that
/// block; applying the blocks again gives back the same read model (every table, every row).
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class ProjectionRollbackTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Rollback_ToAnEarlierBlock_RestoresEveryRowAndReplaysToTheSameModel()
    {
        var scenario = api.Scenario;
        await api.SyncAsync();
        var block = await scenario.HeadAsync();
        var before = await ReadModelDump.TakeAsync(api.Host.Environment.ConnectionString);

        // Blocks that touch every kind of row: a provider, a session with a payment, a dispute drawn and voted on.
        var provider = await scenario.NewProviderAsync(region: "NL");
        var client = await scenario.NewActorAsync(vpn: 500);
        var (sessionId, terms) = await scenario.OpenSessionAsync(client, provider);
        await scenario.SettleVoucherAsync(client, provider, sessionId, terms, Support.Vpn.Tokens(3), 1 << 20);
        var (disputeId, record) = await scenario.FileDirectlyAsync(client, sessionId, terms, ClaimType.ProviderOvercharged);
        var drawn = await scenario.DrawAsync(client, disputeId, record);
        await scenario.CommitAllAsync(disputeId, 0, drawn.Committee, _ => Ruling.Upheld);
        await api.SyncAsync();
        var after = await ReadModelDump.TakeAsync(api.Host.Environment.ConnectionString);
        Assert.NotEqual(before, after);

        await RollBackAsync(block);
        Assert.Equal(before, await ReadModelDump.TakeAsync(api.Host.Environment.ConnectionString));

        await api.SyncAsync();
        Assert.Equal(after, await ReadModelDump.TakeAsync(api.Host.Environment.ConnectionString));
    }

    private async Task RollBackAsync(ulong block)
    {
        var dataSource = api.Host.Get<NpgsqlDataSource>();
        var chain = api.Scenario.Chain;
        var hash = (await chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(block)))).BlockHash;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var undone = await api.Host.Get<ReadModelProjection>().RollbackAsync(block, hash, connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
        Assert.True(undone > 10, $"only {undone} row writes undone");
    }
}

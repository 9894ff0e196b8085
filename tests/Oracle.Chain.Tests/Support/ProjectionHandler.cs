using System.Numerics;
using Dapper;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Events;

namespace Oracle.Chain.Tests.Support;

/// <summary>
/// A read model the way a service writes one: each Transfer and Approval becomes a row of table <c>seen</c> in the
/// cursor store's database, written in the step's transaction; a rollback deletes the rows of the undone blocks. It
/// also records the calls it got, and can be told to fail after writing (a crash before the cursor commits).
/// </summary>
internal sealed class ProjectionHandler : IChainEventHandler
{
    public const string CreateTable = "CREATE TABLE seen (block BIGINT NOT NULL, log_index BIGINT NOT NULL, contract TEXT NOT NULL, kind TEXT NOT NULL, amount TEXT NOT NULL, PRIMARY KEY (block, log_index))";

    public List<ChainEventBatch> Batches { get; } = [];

    public List<ulong> Rollbacks { get; } = [];

    /// <summary>Set: the next HandleAsync writes its rows, then throws.</summary>
    public bool FailAfterWriting { get; set; }

    public async Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var e in batch.Events)
        {
            var (kind, amount) = e.Event switch
            {
                TransferEvent t => ("transfer", t.Value),
                ApprovalEvent a => ("approval", a.Value),
                _ => throw new InvalidOperationException($"unexpected {e.Event.GetType().Name}"),
            };
            await transaction.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO seen (block, log_index, contract, kind, amount) VALUES (@block, @logIndex, @contract, @kind, @amount)",
                new { block = (long)e.BlockNumber, logIndex = (long)e.LogIndex, contract = e.Contract, kind, amount = amount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                transaction.Transaction, cancellationToken: cancellationToken));
        }

        if (FailAfterWriting)
        {
            FailAfterWriting = false;
            throw new InvalidOperationException("the handler failed after writing");
        }

        Batches.Add(batch);
    }

    public async Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.Connection.ExecuteAsync(new CommandDefinition("DELETE FROM seen WHERE block > @toBlock", new { toBlock = (long)toBlock }, transaction.Transaction, cancellationToken: cancellationToken));
        Rollbacks.Add(toBlock);
    }

    /// <summary>The projection: (kind, amount) in block and log order.</summary>
    public static async Task<List<(string Kind, BigInteger Amount, string Contract)>> RowsAsync(System.Data.Common.DbConnection connection)
        => (await connection.QueryAsync<(string Kind, string Amount, string Contract)>("SELECT kind, amount, contract FROM seen ORDER BY block, log_index"))
            .Select(r => (r.Kind, BigInteger.Parse(r.Amount, System.Globalization.CultureInfo.InvariantCulture), r.Contract)).ToList();
}

using Arbitration.Api.ReadModel;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Oracle.Chain;

namespace Arbitration.Api.Tests.Support;

/// <summary>
/// Brings the API's read model up to the chain's head. Interim test scaffolding until the platform's chain watcher is
/// on main (then the service's own indexer does this and <see cref="CatchUpAsync"/> only waits for it): reads the
/// subscribed logs of the blocks after the read model's head and hands them to the service's projection in one
/// transaction, as the watcher will.
/// </summary>
internal static class ReadModelSync
{
    public static async Task CatchUpAsync(ApiHost host)
    {
        var chain = host.Get<ChainContext>();
        var dataSource = host.Get<NpgsqlDataSource>();
        var projection = host.Get<ReadModelProjection>();
        var queries = host.Get<ReadModelQueries>();
        if ((await queries.ParametersAsync(CancellationToken.None)).Count == 0)
        {
            await NetworkParameters.SaveAsync(dataSource, await NetworkParameters.ReadAsync(chain, CancellationToken.None), CancellationToken.None);
        }

        var decoders = new Decoders();
        ReadModelSubscriptions.SubscribeAll(chain, decoders);
        var from = (ulong)((await queries.PositionAsync(CancellationToken.None))?.Block + 1 ?? 0);
        var to = (ulong)(await chain.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        if (to < from)
        {
            return;
        }

        var logs = await chain.Web3.Eth.Filters.GetLogs.SendRequestAsync(new NewFilterInput
        {
            Address = decoders.Map.Keys.Select(k => k.Address).Distinct().ToArray(),
            FromBlock = new BlockParameter(new HexBigInteger(from)),
            ToBlock = new BlockParameter(new HexBigInteger(to)),
        });
        var events = new List<ProjectedEvent>();
        foreach (var log in logs.OrderBy(l => l.BlockNumber.Value).ThenBy(l => l.LogIndex.Value))
        {
            if (log.Topics is { Length: > 0 } topics && decoders.Map.TryGetValue((log.Address.ToLowerInvariant(), topics[0]!.ToString()!.ToLowerInvariant()), out var decode))
            {
                events.Add(new ProjectedEvent(decode(log), log.Address.ToLowerInvariant(), (ulong)log.BlockNumber.Value, log.TransactionHash, (ulong)log.LogIndex.Value));
            }
        }

        var hash = (await chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(to)))).BlockHash;
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await projection.HandleAsync(new ProjectedBatch(from, to, hash, events), connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private sealed class Decoders : IEventSubscriber
    {
        public Dictionary<(string Address, string Topic), Func<FilterLog, IEventDTO>> Map { get; } = [];

        public void Add<TEvent>(string contract)
            where TEvent : IEventDTO, new()
        {
            var topic = ABITypedRegistry.GetEvent<TEvent>().Sha3Signature.ToLowerInvariant();
            Map[(contract.ToLowerInvariant(), topic.StartsWith("0x", StringComparison.Ordinal) ? topic : "0x" + topic)] = log => log.DecodeEvent<TEvent>().Event;
        }
    }
}

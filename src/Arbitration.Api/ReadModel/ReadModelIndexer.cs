using Microsoft.Extensions.Options;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Events;
using Oracle.Storage;
using Oracle.Storage.ChainCursors;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// Runs the read model's chain watcher: every contract event the read model follows (<see cref="ReadModelSubscriptions"/>)
/// goes to the <see cref="ReadModelProjection"/> in block order, with the watcher's cursor committed in the same
/// transaction (a restart resumes after the last block applied, nothing twice), and reorganizations rolled back.
/// </summary>
internal sealed partial class ReadModelIndexer(
    ChainContext chain,
    OracleDatabase database,
    ReadModelProjection projection,
    IOptions<ChainWatcherOptions> options,
    ILogger<ReadModelIndexer> logger,
    ILogger<ChainWatcher> watcherLogger,
    TimeProvider time) : BackgroundService
{
    /// <summary>The watcher's cursor name.</summary>
    public const string WatcherName = "read-model";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PostgresChainCursorStore.MigrateAsync(database.DataSource, database.Schema, stoppingToken);
                await NetworkParameters.SaveAsync(database.DataSource, await NetworkParameters.ReadAsync(chain, stoppingToken), stoppingToken);
                break;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                // The chain or the database is not there yet: the API still answers from what it has.
                LogNotReady(logger, e.GetBaseException().Message, (int)delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(30, delay.TotalSeconds * 2));
            }
        }

        var watcher = new ChainWatcher(chain, WatcherName, StartBlock(chain), new PostgresChainCursorStore(database.DataSource, database.Schema), projection,
            options.Value, watcherLogger, time);
        ReadModelSubscriptions.SubscribeAll(chain, new Subscriber(watcher));
        LogStarting(logger, watcher.StartBlock);
        await watcher.RunAsync(stoppingToken);
    }

    // The first block any followed contract was deployed in (0 when the manifest does not say).
    private static ulong StartBlock(ChainContext chain)
    {
        var blocks = chain.KnownContracts.Select(chain.DeploymentBlock).Where(b => b > 0).ToList();
        return blocks.Count == 0 ? 0 : blocks.Min();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "read model: the chain or the database is not ready ({Error}); trying again in {Seconds} s")]
    private static partial void LogNotReady(ILogger logger, string error, int seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "read model: following the chain from block {Block} (or its cursor)")]
    private static partial void LogStarting(ILogger logger, ulong block);

    private sealed class Subscriber(ChainWatcher watcher) : IEventSubscriber
    {
        public void Add<TEvent>(string contract)
            where TEvent : Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
            => watcher.Subscribe<TEvent>(contract);
    }
}

using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OracleNode.Keeping;
using OracleNode.Storage;
using OracleNode.Voting;
using OracleNode.Watching;

namespace OracleNode.Hosting;

/// <summary>
/// The node's rhythm: every <see cref="NodeOptions.TickInterval"/> it reads each active dispute's state on-chain and does
/// what is due (its seats' votes, keeping the dispute moving, its rewards). Disputes are worked on in parallel, each by one
/// task at a time; a failing step is logged, counted and tried again on the next tick.
/// </summary>
internal sealed class NodeEngine(
    NodeChain chain,
    INodeStore store,
    ChainClock clock,
    SeatDuty seats,
    KeeperDuty keeper,
    IOptions<NodeOptions> options,
    NodeMetrics metrics,
    ILogger<NodeEngine> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<ulong, Task> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("oracle node {Address}: store {Store}", chain.Sender.Address, store.Description);
        using var slots = new SemaphoreSlim(options.Value.Parallelism);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(slots, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                metrics.Errors.Add(1, new KeyValuePair<string, object?>("duty", "tick"));
                logger.LogWarning("tick failed: {Error}", e.GetBaseException().Message);
            }

            await Task.Delay(options.Value.TickInterval, stoppingToken).ConfigureAwait(false);
        }

        await Task.WhenAll(_running.Values).ConfigureAwait(false);
    }

    /// <summary>One pass over every active dispute (tests call it directly).</summary>
    public async Task TickAsync(SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        var (now, _) = await clock.NowAsync(cancellationToken).ConfigureAwait(false);
        var parameters = await chain.ParametersAsync(cancellationToken).ConfigureAwait(false);
        var oracles = (await store.StakesAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => BigInteger.Parse(s.Stake, System.Globalization.CultureInfo.InvariantCulture) >= parameters.MinStake)
            .Select(s => s.Oracle)
            .ToList();
        foreach (var row in await store.ActiveDisputesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_running.ContainsKey(row.Id))
            {
                continue;
            }

            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _running[row.Id] = Task.Run(async () =>
            {
                try
                {
                    await ProcessAsync(row, now, parameters, oracles, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    metrics.Errors.Add(1, new KeyValuePair<string, object?>("duty", "dispute"));
                    logger.LogWarning(e, "dispute {Dispute}: step failed ({Error}); trying again", row.Id, e.GetBaseException().Message);
                }
                finally
                {
                    _running.TryRemove(row.Id, out _);
                    slots.Release();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>Waits for the disputes being worked on (tests).</summary>
    public Task IdleAsync() => Task.WhenAll(_running.Values);

    private async Task ProcessAsync(DisputeRow row, ulong now, DisputeParameters parameters, IReadOnlyCollection<string> oracles, CancellationToken cancellationToken)
    {
        var info = (await chain.Disputes.DisputeInfoQueryAsync(row.Id, null, cancellationToken).ConfigureAwait(false)).Info;
        if (!DisputeRecords.Matches(row.RecordHash, info.DisputeHash))
        {
            // The chain does not hold this record under this id (a reorganization the watcher has not rolled back yet):
            // nothing may be sent for it.
            logger.LogInformation("dispute {Dispute}: the chain's record differs from the one seen; waiting for the watcher", row.Id);
            return;
        }

        var committees = await store.CommitteesAsync(row.Id, cancellationToken).ConfigureAwait(false);
        var session = await store.SessionAsync((ulong)row.SessionId, cancellationToken).ConfigureAwait(false);
        var dispute = new DisputeContext(row, row.Decode(), info, committees, session, now, parameters);
        foreach (var committee in committees)
        {
            await seats.RunAsync(dispute, committee, cancellationToken).ConfigureAwait(false);
        }

        if (await keeper.RunAsync(dispute, oracles, cancellationToken).ConfigureAwait(false))
        {
            await store.MarkFinishedAsync(row.Id, now, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("dispute {Dispute}: finished", row.Id);
        }
    }
}

using Arbitration.Api.ReadModel;
using Oracle.Chain;

namespace Arbitration.Api.Tests.Support;

/// <summary>Waits until the API's own indexer has applied the chain's current head (the read model answers as of it).</summary>
internal static class ReadModelSync
{
    public static async Task CatchUpAsync(ApiHost host, TimeSpan? timeout = null)
    {
        var chain = host.Get<ChainContext>();
        var queries = host.Get<ReadModelQueries>();
        var target = (long)(await chain.Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if ((await queries.PositionAsync(CancellationToken.None))?.Block >= target)
            {
                return;
            }

            try
            {
                await Task.Delay(50, limit.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the read model did not reach block {target} within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds} s "
                    + $"(it is at {(await queries.PositionAsync(CancellationToken.None))?.Block})");
            }
        }
    }
}

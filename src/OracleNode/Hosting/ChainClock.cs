using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace OracleNode.Hosting;

/// <summary>
/// The chain's time as the next block will see it: the latest block's timestamp plus the wall-clock time since the
/// node first saw that block. Deadlines are in chain time, which a local chain can move forward (and an idle one does
/// not mine), so the node never compares a deadline with its own clock directly. Every action it takes on a deadline is
/// checked again by the contract (a transaction sent too early reverts, and the node tries again).
/// </summary>
internal sealed class ChainClock(IWeb3 web3, TimeProvider time)
{
    private readonly Lock _gate = new();
    private ulong _block = ulong.MaxValue;
    private ulong _timestamp;
    private DateTimeOffset _seenAt;

    /// <summary>The chain's current time (Unix seconds) and the latest block.</summary>
    public async Task<(ulong Now, ulong Block)> NowAsync(CancellationToken cancellationToken)
    {
        var latest = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken).ConfigureAwait(false);
        var number = (ulong)latest.Number.Value;
        var timestamp = (ulong)latest.Timestamp.Value;
        lock (_gate)
        {
            if (number != _block || timestamp != _timestamp)
            {
                _block = number;
                _timestamp = timestamp;
                _seenAt = time.GetUtcNow();
            }

            var elapsed = time.GetUtcNow() - _seenAt;
            return (_timestamp + (ulong)Math.Max(0, (long)elapsed.TotalSeconds), number);
        }
    }

    /// <summary>The wall-clock time, Unix seconds (for the node's own records).</summary>
    public ulong WallNow => (ulong)time.GetUtcNow().ToUnixTimeSeconds();
}

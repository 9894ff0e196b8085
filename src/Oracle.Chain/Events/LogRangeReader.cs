using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Events;

/// <summary>
/// <c>eth_getLogs</c> in bounded block ranges. Real nodes refuse log queries over too many blocks or with too many
/// results (geth's defaults, Infura's 10 000 results, providers' 2 000 - 10 000 block caps), so a span is read in
/// ranges of at most <see cref="MaxRange"/> blocks, a range the node refuses as too large is halved (and the smaller
/// size kept), and transient failures are retried (<see cref="ChainErrors.IsTransient"/>). Logs come back in block and
/// log order.
/// </summary>
public sealed class LogRangeReader
{
    /// <summary>The default range: within what hosted nodes accept.</summary>
    public const ulong DefaultMaxRange = 2_000;

    private readonly IWeb3 _web3;
    private readonly RpcRetry _retry;
    private readonly ILogger _logger;
    private ulong _range;

    /// <summary>Creates a reader.</summary>
    /// <param name="web3">A connection.</param>
    /// <param name="maxRange">The most blocks one request covers.</param>
    /// <param name="logger">Where retries and range reductions are reported.</param>
    /// <param name="time">The clock for retry back-off.</param>
    public LogRangeReader(IWeb3 web3, ulong maxRange = DefaultMaxRange, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentOutOfRangeException.ThrowIfZero(maxRange);
        _web3 = web3;
        MaxRange = maxRange;
        _range = maxRange;
        _logger = logger ?? NullLogger.Instance;
        _retry = new RpcRetry(6, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), time ?? TimeProvider.System, _logger);
    }

    /// <summary>The most blocks one request covers.</summary>
    public ulong MaxRange { get; }

    /// <summary>The range in use: <see cref="MaxRange"/>, or less after the node refused a range as too large.</summary>
    public ulong CurrentRange => Volatile.Read(ref _range);

    /// <summary>The latest block number.</summary>
    public async Task<ulong> HeadAsync(CancellationToken cancellationToken = default)
        => (ulong)(await _retry.RunAsync("eth_blockNumber", () => _web3.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Every log matching <paramref name="filter"/> (its addresses and topics; its blocks are ignored) in <paramref name="from"/>..<paramref name="to"/>.</summary>
    /// <param name="filter">Addresses and topics.</param>
    /// <param name="from">The first block.</param>
    /// <param name="to">The last block (inclusive).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<IReadOnlyList<FilterLog>> ReadAsync(NewFilterInput filter, ulong from, ulong to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var all = new List<FilterLog>();
        for (var start = from; start <= to;)
        {
            var (logs, end) = await ReadChunkAsync(filter, start, Math.Min(to, Add(start, CurrentRange - 1)), cancellationToken).ConfigureAwait(false);
            all.AddRange(logs);
            if (end == ulong.MaxValue)
            {
                break;
            }

            start = end + 1;
        }

        return all;
    }

    /// <summary>
    /// The last log matching <paramref name="filter"/> in <paramref name="from"/>..<paramref name="to"/>, searching
    /// backwards from <paramref name="to"/> a range at a time (what was opened or filed recently is found in one request).
    /// </summary>
    public async Task<FilterLog?> FindLastAsync(NewFilterInput filter, ulong from, ulong to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        for (var end = to; end >= from;)
        {
            var start = end - from + 1 > CurrentRange ? end - CurrentRange + 1 : from;
            var logs = await ReadAsync(filter, start, end, cancellationToken).ConfigureAwait(false);
            if (logs.Count > 0)
            {
                return logs[^1];
            }

            if (start == from)
            {
                break;
            }

            end = start - 1;
        }

        return null;
    }

    // Reads start..end, or a prefix of it when the node refuses the range as too large (the range is then halved for
    // good). Returns the logs and the last block covered.
    private async Task<(IReadOnlyList<FilterLog> Logs, ulong End)> ReadChunkAsync(NewFilterInput filter, ulong start, ulong end, CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = new NewFilterInput
            {
                Address = filter.Address,
                Topics = filter.Topics,
                FromBlock = new BlockParameter(new HexBigInteger(start)),
                ToBlock = new BlockParameter(new HexBigInteger(end)),
            };
            try
            {
                var logs = await _retry.RunAsync($"eth_getLogs {start}..{end}", () => _web3.Eth.Filters.GetLogs.SendRequestAsync(request), cancellationToken).ConfigureAwait(false);
                return (Sorted(logs), end);
            }
            catch (Exception e) when (ChainErrors.IsLogQueryTooLarge(e) && end > start)
            {
                var halved = Math.Max(1, (end - start + 1) / 2);
                Volatile.Write(ref _range, Math.Min(CurrentRange, halved));
                _logger.LogWarning("eth_getLogs {From}..{To} refused as too large ({Error}); reading {Range} blocks at a time", start, end, e.GetBaseException().Message, halved);
                end = start + halved - 1;
            }
        }
    }

    private static List<FilterLog> Sorted(FilterLog[]? logs)
    {
        var list = new List<FilterLog>(logs ?? []);
        list.Sort(static (a, b) =>
        {
            var byBlock = a.BlockNumber.Value.CompareTo(b.BlockNumber.Value);
            return byBlock != 0 ? byBlock : a.LogIndex.Value.CompareTo(b.LogIndex.Value);
        });
        return list;
    }

    private static ulong Add(ulong a, ulong b) => ulong.MaxValue - a < b ? ulong.MaxValue : a + b;
}

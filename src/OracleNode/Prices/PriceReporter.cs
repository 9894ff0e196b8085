using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain.Contracts.PriceFeed;
using OracleNode.Hosting;
using OracleNode.Storage;
using Oracle.Chain.Transactions;

namespace OracleNode.Prices;

/// <summary>
/// Reports the VPN / ETH and BTC / ETH prices (<c>PriceFeed.report</c>) from the configured sources: in every round
/// another oracle opened, and opens one itself when the feed's latest answer is older than
/// <see cref="PriceOptions.RefreshAfter"/> or further than <see cref="PriceOptions.MinChangeBps"/> from its sources.
/// Refuses (and records why) when its sources fail or disagree, or the price left the exchange's band.
/// </summary>
internal sealed class PriceReporter(NodeChain chain, INodeStore store, ChainClock clock, IHttpClientFactory http, IOptions<PriceOptions> options,
    NodeMetrics metrics, TimeProvider time, ILogger<PriceReporter> logger) : BackgroundService
{
    /// <summary>Enough for the report that finalizes a round of the largest quorum (15 reports sorted for the median).</summary>
    private const long ReportGas = 400_000;

    private readonly PriceOptions _options = options.Value;
    private readonly Dictionary<string, (BigInteger Round, ulong StartedAt)> _reported = [];
    private readonly Dictionary<string, (BigInteger Round, string Reason)> _refused = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var feeds = new[]
        {
            ("VPN/ETH", chain.VpnEthFeed, Sources(_options.VpnEth)),
            ("BTC/ETH", chain.BtcEthFeed, Sources(_options.BtcEth)),
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var (name, feed, sources) in feeds)
            {
                try
                {
                    await ReportAsync(name, feed, sources, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    metrics.Errors.Add(1, new KeyValuePair<string, object?>("duty", "prices"));
                    logger.LogWarning("price feed {Feed}: {Error}", name, e.GetBaseException().Message);
                }
            }

            await Task.Delay(_options.Interval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One look at one feed (tests call it directly).</summary>
    public async Task ReportAsync(string name, PriceFeedService feed, IReadOnlyList<PriceSource> sources, CancellationToken cancellationToken)
    {
        var (now, _) = await clock.NowAsync(cancellationToken).ConfigureAwait(false);
        var open = await feed.OpenRoundQueryAsync(null, cancellationToken).ConfigureAwait(false);
        var latest = await feed.LatestRoundDataQueryAsync(null, cancellationToken).ConfigureAwait(false);
        if (_reported.TryGetValue(name, out var done) && done.Round == open.RoundId && done.StartedAt == open.StartedAt && open.Reports > 0)
        {
            // This node's report is in the round's current attempt (a round restarted after its timeout takes a new one).
            return;
        }

        var quotes = new List<PriceQuote>();
        foreach (var source in sources)
        {
            quotes.Add(await source.ReadAsync(cancellationToken).ConfigureAwait(false));
        }

        var reference = await chain.Exchange.ReferencePriceQueryAsync(feed.Address, null, cancellationToken).ConfigureAwait(false);
        var band = await chain.Exchange.MaxPriceJumpBpsQueryAsync(null, cancellationToken).ConfigureAwait(false);
        var (price, reason) = PriceDecision.Decide(quotes, _options.MaxSourceSpreadBps, reference.Answer, band, _options.AllowBeyondBand);
        var stale = now >= (ulong)latest.UpdatedAt + (ulong)_options.RefreshAfter.TotalSeconds;
        var moved = PriceDecision.Median(quotes) is { } m && latest.Answer > 0 && BigInteger.Abs(m - latest.Answer) * 10_000 / latest.Answer >= _options.MinChangeBps;
        if (open.Reports == 0 && !stale && !moved)
        {
            return;
        }

        if (price is null)
        {
            if (_refused.TryGetValue(name, out var last) && last == (open.RoundId, reason))
            {
                return;
            }

            _refused[name] = (open.RoundId, reason);
            await RecordAsync(name, open.RoundId, null, "refused", reason, null, now, cancellationToken).ConfigureAwait(false);
            if (await store.AlertAsync("price-refused-" + name, null, (int)(open.RoundId % int.MaxValue), $"{name} round {open.RoundId}: not reported: {reason}", now, cancellationToken).ConfigureAwait(false))
            {
                logger.LogWarning("price feed {Feed} round {Round}: not reported: {Reason}", name, open.RoundId, reason);
            }

            return;
        }

        if (!await chain.Oracles.IsOracleQueryAsync(chain.Me, null, cancellationToken).ConfigureAwait(false))
        {
            await RecordAsync(name, open.RoundId, price, "skipped", "the node is not an oracle (stake below the minimum)", null, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A fixed gas limit: reporters race, and the report that completes the quorum (median, new round) costs more than
        // the one estimated while the round was still collecting.
        var report = new ReportFunction { RoundId = open.RoundId, Answer = price.Value, Gas = ReportGas };
        var sent = await chain.Sender.TrySendAsync(feed.Address, report, cancellationToken).ConfigureAwait(false);
        if (sent.IsSuccess || sent.Error.Is<Oracle.Chain.Contracts.PriceFeedAlreadyReportedError>())
        {
            var after = await feed.OpenRoundQueryAsync(null, cancellationToken).ConfigureAwait(false);
            _reported[name] = (open.RoundId, after.RoundId == open.RoundId ? after.StartedAt : ulong.MaxValue);
        }

        if (sent.IsSuccess)
        {
            await RecordAsync(name, open.RoundId, price, "reported", reason, sent.TransactionHash, now, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("price feed {Feed} round {Round}: reported {Price} ({Reason})", name, open.RoundId, price, reason);
        }
        else
        {
            // Another report finalized the round first, or this node already reported in it.
            await RecordAsync(name, open.RoundId, price, "failed", sent.Error.ToString(), null, now, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The sources of one feed.</summary>
    public IReadOnlyList<PriceSource> Sources(PriceFeedOptions feed)
        => [.. feed.Sources.Select(s => new PriceSource(s, http.CreateClient(nameof(PriceReporter)), time, logger))];

    private async Task RecordAsync(string feed, BigInteger round, BigInteger? answer, string outcome, string detail, string? transaction, ulong now, CancellationToken cancellationToken)
    {
        metrics.PriceReports.Add(1, new KeyValuePair<string, object?>("feed", feed), new KeyValuePair<string, object?>("outcome", outcome));
        await store.RecordPriceReportAsync(new PriceReportRow
        {
            At = (long)now,
            Feed = feed,
            RoundId = (long)round,
            Answer = answer?.ToString(CultureInfo.InvariantCulture),
            Outcome = outcome,
            Detail = detail,
            TransactionHash = transaction,
        }, cancellationToken).ConfigureAwait(false);
    }
}

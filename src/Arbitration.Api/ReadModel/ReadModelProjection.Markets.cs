using System.Numerics;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using static Arbitration.Api.ReadModel.ProjectionStep;

namespace Arbitration.Api.ReadModel;

/// <summary>Price rounds and evidence anchors.</summary>
internal sealed partial class ReadModelProjection
{
    // Upserts the round and sets the given columns (an UPDATE SET list over the parameters in `values`).
    private Task PriceRoundAsync(ProjectionStep step, string contract, BigInteger roundId, string set, object values)
    {
        var feed = contracts.FeedName(contract) ?? throw new InvalidDataException($"a price round event from {contract}, which is not a feed the read model follows");
        var parameters = new Dapper.DynamicParameters(values);
        parameters.Add("feed", feed);
        parameters.Add("round", N(roundId));
        return step.ExecuteAsync($"""
            INSERT INTO price_rounds (feed, round_id) VALUES (@feed, @round::numeric) ON CONFLICT (feed, round_id) DO NOTHING;
            UPDATE price_rounds SET {set} WHERE feed = @feed AND round_id = @round::numeric;
            """, parameters);
    }

    private async Task PriceReportedAsync(ProjectionStep step, string contract, PriceReportedEvent e)
    {
        await PriceRoundAsync(step, contract, e.RoundId, "reports = price_rounds.reports + 1", new { });
        await step.ExecuteAsync("UPDATE oracles SET price_reports = price_reports + 1 WHERE address = @o", new { o = A(e.Reporter) });
    }

    private static async Task AnchoredAsync(ProjectionStep step, CheckpointAnchoredEvent e, ulong time)
    {
        await step.ExecuteAsync("""
            INSERT INTO anchors (log_id, tree_size, root, collector, block_time) VALUES (@log, @size, @root, @collector, @time)
            """, new { log = H(e.LogId), size = L(e.TreeSize), root = H(e.Root), collector = A(e.Collector), time = L(time) });
        await step.ExecuteAsync("UPDATE collectors SET anchors = anchors + 1 WHERE address = @c", new { c = A(e.Collector) });
    }
}

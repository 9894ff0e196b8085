using System.Globalization;
using EvidenceCollector.Tests.Support;
using Oracle.Core.Evidence;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Diagnostics;

[Collection(BusCollection.Name)]
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Metrics_AcceptedAndRejectedBatchBeforeTheFirstScrape_CountersOnTheEndpoint()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        var amqpUrl = await LocalServices.AmqpUrlAsync();
        // A process of its own: nothing has read its /metrics yet (prometheus-net starts listening at the first scrape).
        await using var collectors = await CollectorProcesses.CreateAsync(amqpUrl);
        var process = await collectors.StartAsync("metrics-1");
        await using var gateway = await TestGateway.StartAsync(amqpUrl);
        using var http = new HttpClient { BaseAddress = new Uri(process.Url) };
        var good = session.Next(records: 4);
        var unknown = new SessionEvidence(chain.ChainId, chain.SessionManager, 0x7FFF_FFFF_0000_0002, session.Gateway, session.Client).Next(records: 2);

        await gateway.PublishAsync(good);
        await gateway.PublishAsync(unknown);
        await gateway.WaitAnsweredAsync([good.BatchId, unknown.BatchId], Wait);
        var first = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var next = session.Next(records: 3);
        await gateway.PublishAsync(next);
        await gateway.WaitAnsweredAsync([next.BatchId], Wait);
        var second = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(1, Sample(first, "oracle_evidencecollector_batches_accepted", "reason=\"verified\""));
        Assert.Equal(1, Sample(first, "oracle_evidencecollector_batches_rejected", $"reason=\"{EvidenceBatchError.UnknownSession}\""));
        Assert.Equal(4, Sample(first, "oracle_evidencecollector_records_stored", null));
        Assert.Equal(2, Sample(second, "oracle_evidencecollector_batches_accepted", "reason=\"verified\""));
        Assert.Equal(7, Sample(second, "oracle_evidencecollector_records_stored", null));
    }

    // The value of the sample of metric `name` (with the label `label` when given) in a Prometheus text exposition,
    // 0 when absent.
    private static double Sample(string exposition, string name, string? label)
    {
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[name.Length..];
            if (!(rest.StartsWith(' ') || rest.StartsWith('{')) || (label is not null && !rest.Contains(label, StringComparison.Ordinal)))
            {
                continue;
            }

            return double.Parse(rest[(rest.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return 0;
    }
}

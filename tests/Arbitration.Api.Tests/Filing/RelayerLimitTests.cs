using System.Net;
using Arbitration.Api.Tests.Support;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Filing;

/// <summary>The relayer's spending limits.</summary>
[Collection(ChainCollection.Name)]
public sealed class RelayerLimitTests(RelayerLimitTests.LimitedApi api) : IClassFixture<RelayerLimitTests.LimitedApi>
{
    /// <summary>One relayed filing per filer per day.</summary>
    public sealed class LimitedApi : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?>
        {
            ["Relayer:MaxFilingsPerFilerPerDay"] = "1",
            ["Api:FilingsPerMinute"] = "10000",
            ["Api:EvidencePerMinute"] = "10000",
        };
    }

    [Fact]
    public async Task File_SecondFilingOfTheDay_RelayerLimitReached()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var first = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, await Filings.PostEvidenceAsync(api.Host, sessionId));
        Assert.Equal(HttpStatusCode.Created, (await Filings.PostAsync(api.Host, first)).Status);
        var next = await client.Disputes.NextDisputeIdQueryAsync();

        var second = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderOvercharged, await Filings.PostEvidenceAsync(api.Host, sessionId, "another"));
        var (status, answer) = await Filings.PostAsync(api.Host, second);

        Problems.Assert(HttpStatusCode.TooManyRequests, "relayer-limit-reached", status, answer);
        Assert.Equal(next, await client.Disputes.NextDisputeIdQueryAsync());
    }
}

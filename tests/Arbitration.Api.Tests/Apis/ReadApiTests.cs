using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Arbitration.Api.Tests.Support;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Apis;

/// <summary>Reads: problems for what does not exist or is malformed, keyset paging, filters, ETags.</summary>
[Collection(ChainCollection.Name)]
public sealed class ReadApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string path, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(path, UriKind.Relative));
        using var response = await api.Host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    [Theory]
    [InlineData("disputes/987654321", HttpStatusCode.NotFound, "unknown-dispute")]
    [InlineData("sessions/987654321", HttpStatusCode.NotFound, "unknown-session")]
    [InlineData("sessions/not-a-number", HttpStatusCode.NotFound, "not-found")]
    [InlineData("providers/0x0000000000000000000000000000000000000001", HttpStatusCode.NotFound, "not-found")]
    [InlineData("providers/nope", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("nothing/here", HttpStatusCode.NotFound, "not-found")]
    [InlineData("rates/xyz-eth/rounds", HttpStatusCode.NotFound, "not-found")]
    [InlineData("disputes?limit=0", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("disputes?limit=abc", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("disputes?after=garbage", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("stats/disputes?days=0", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("evidence/0x12", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("evidence/0x0000000000000000000000000000000000000000000000000000000000000000", HttpStatusCode.NotFound, "not-found")]
    public async Task Get_MissingOrMalformed_ProblemOfItsType(string path, HttpStatusCode status, string type)
    {
        var (actual, body) = await GetAsync(path);
        Problems.Assert(status, type, actual, body);
    }

    [Fact]
    public async Task ListDisputes_SeveralBadParameters_NamesEach()
    {
        var (status, body) = await GetAsync("disputes?limit=500&phase=Sleeping&party=0x12&claimType=Bribery");
        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", status, body);
        Assert.Equal(["claimType", "limit", "party", "phase"], body["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Delete_OnAReadEndpoint_MethodNotAllowed()
    {
        var (status, body) = await GetAsync("disputes", HttpMethod.Delete);
        Problems.Assert(HttpStatusCode.MethodNotAllowed, "method-not-allowed", status, body);
    }

    [Fact]
    public async Task GetSession_AskedAgainWithItsETag_NotModified()
    {
        var provider = await api.Scenario.NewProviderAsync();
        var client = await api.Scenario.NewActorAsync(vpn: 200);
        var (sessionId, _) = await api.Scenario.OpenSessionAsync(client, provider);
        await api.SyncAsync();
        using var first = await api.Host.Http.GetAsync(new Uri($"sessions/{sessionId}", UriKind.Relative));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, new Uri($"sessions/{sessionId}", UriKind.Relative));
        again.Headers.IfNoneMatch.Add(etag);
        using var second = await api.Host.Http.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ListSessions_PagedByTwo_EverySessionOnceNewestFirst()
    {
        var provider = await api.Scenario.NewProviderAsync(region: "PT");
        var client = await api.Scenario.NewActorAsync(vpn: 800);
        var opened = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            opened.Add((await api.Scenario.OpenSessionAsync(client, provider, deposit: 50)).Id);
        }

        await api.SyncAsync();
        var seen = new List<ulong>();
        string? after = null;
        do
        {
            var page = await api.Host.GetJsonAsync($"sessions?provider={provider.Address}&limit=2" + (after is null ? "" : $"&after={after}"));
            Assert.True(page["items"]!.AsArray().Count <= 2);
            seen.AddRange(page["items"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<ulong>()));
            after = page["next"]?.ToString();
        }
        while (after is not null);

        Assert.Equal(opened.OrderDescending(), seen);
    }

    [Fact]
    public async Task ListProviders_ByRegionAndMaxPrice_OnlyMatchingCheapestFirst()
    {
        var cheap = await api.Scenario.NewProviderAsync(region: "JP", pricePerMiB: 1_000);
        var dear = await api.Scenario.NewProviderAsync(region: "JP", pricePerMiB: 9_000);
        await api.Scenario.NewProviderAsync(region: "KR", pricePerMiB: 500);
        await api.SyncAsync();

        var all = (await api.Host.GetJsonAsync("providers?region=JP"))["items"]!.AsArray();
        var affordable = (await api.Host.GetJsonAsync("providers?region=JP&maxPricePerMiB=5000"))["items"]!.AsArray();

        Assert.Equal([cheap.Address.ToLowerInvariant(), dear.Address.ToLowerInvariant()], all.Select(p => p!["address"]!.ToString().ToLowerInvariant()));
        Assert.Equal([cheap.Address.ToLowerInvariant()], affordable.Select(p => p!["address"]!.ToString().ToLowerInvariant()));
        Assert.All(all, p => Assert.Equal("Active", p!["status"]!.ToString()));
    }

    [Fact]
    public async Task Status_AfterSync_ReportsTheChainAndTheRelayer()
    {
        await api.SyncAsync();
        var status = await api.Host.GetJsonAsync("status");
        Assert.Equal((long)api.Scenario.Chain.ChainId, status["chainId"]!.GetValue<long>());
        Assert.True(status["asOf"]!["block"]!.GetValue<long>() > 0);
        Assert.True(status["oracles"]!.GetValue<long>() >= 8);
        Assert.StartsWith("0x", status["relayer"]!.ToString(), StringComparison.Ordinal);
        var problems = (await api.Host.Http.GetFromJsonAsyncArray("problems")).Select(p => p!["type"]!.ToString()).ToList();
        Assert.Contains("/problems/forged-signature", problems);
        Assert.Equal(problems.Count, problems.Distinct().Count());
    }
}

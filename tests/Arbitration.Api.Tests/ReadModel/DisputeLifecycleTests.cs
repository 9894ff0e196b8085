using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Arbitration.Api.Tests.Support;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.ReadModel;

/// <summary>
/// A dispute filed through the API, followed through every phase on-chain — draw, commits, reveals, appeal window,
/// execution, settlement, rewards — and the read model's answers checked against the contracts' own views.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class DisputeLifecycleTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Dispute_FollowedToItsRuling_ReadModelMatchesTheChain()
    {
        var scenario = api.Scenario;
        var provider = await scenario.NewProviderAsync(region: "FR");
        var client = await scenario.NewActorAsync(vpn: 500);
        var (sessionId, terms) = await scenario.OpenSessionAsync(client, provider);
        await scenario.SettleVoucherAsync(client, provider, sessionId, terms, Vpn.Tokens(10), 5 << 20);
        await api.SyncAsync();

        var session = await api.Host.GetJsonAsync($"sessions/{sessionId}");
        Assert.Equal("Open", session["status"]!.ToString());
        Assert.Equal(Vpn.Tokens(10).ToString(CultureInfo.InvariantCulture), session["payments"]!["paid"]!.ToString());
        Assert.Equal((5 << 20).ToString(CultureInfo.InvariantCulture), session["payments"]!["cumulativeBytes"]!.ToString());
        Assert.Single(session["vouchers"]!.AsArray());

        var (status, receipt) = await Filings.PostAsync(api.Host, await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, await Filings.PostEvidenceAsync(api.Host, sessionId)));
        Assert.Equal(HttpStatusCode.Created, status);
        var id = receipt["disputeId"]!.GetValue<ulong>();
        await api.SyncAsync();
        var dispute = await api.Host.GetJsonAsync($"disputes/{id}");
        Assert.Equal("Drawing", dispute["phase"]!.ToString());
        var record = System.Text.Json.JsonSerializer.Deserialize<Dispute>(dispute["record"]!.ToJsonString(), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)
        {
            Converters = { new HexBytesConverter(), new BigIntegerConverter() },
        })!;

        // The record the read model serves is what draw takes.
        var drawn = await scenario.DrawAsync(client, id, record);
        await api.SyncAsync();
        dispute = await api.Host.GetJsonAsync($"disputes/{id}");
        Assert.Equal("Commit", dispute["phase"]!.ToString());
        var round = dispute["rounds"]![0]!;
        Assert.Equal(drawn.Committee.Select(a => a.ToLowerInvariant()), round["committee"]!.AsArray().Select(a => a!.ToString().ToLowerInvariant()));
        Assert.All(round["votes"]!.AsArray(), v => Assert.False(v!["committed"]!.GetValue<bool>()));
        foreach (var juror in drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var locked = (await client.Oracles.OracleInfoQueryAsync(juror)).Info.Locked;
            Assert.Equal(locked.ToString(CultureInfo.InvariantCulture), (await api.Host.GetJsonAsync($"oracles/{juror}"))["locked"]!.ToString());
        }

        var jurors = drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Ruling VoteOf(string juror) => jurors.Count > 1 && string.Equals(juror, jurors[^1], StringComparison.OrdinalIgnoreCase) ? Ruling.Rejected : Ruling.Upheld;
        var salts = await scenario.CommitAllAsync(id, 0, drawn.Committee, VoteOf);
        await api.SyncAsync();
        round = (await api.Host.GetJsonAsync($"disputes/{id}"))["rounds"]![0]!;
        Assert.All(round["votes"]!.AsArray(), v => Assert.True(v!["committed"]!.GetValue<bool>() && v["vote"] is null));

        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.CommitPeriod);
        await scenario.RevealAllAsync(id, 0, salts, VoteOf);
        await api.SyncAsync();
        dispute = await api.Host.GetJsonAsync($"disputes/{id}");
        Assert.Equal("Reveal", dispute["phase"]!.ToString());
        foreach (var vote in dispute["rounds"]![0]!["votes"]!.AsArray())
        {
            Assert.Equal(VoteOf(vote!["juror"]!.ToString()).ToString(), vote["vote"]!.ToString());
        }

        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.RevealPeriod);
        await api.SyncAsync();
        dispute = await api.Host.GetJsonAsync($"disputes/{id}");
        var onChain = (await client.Disputes.DisputeInfoQueryAsync(id)).Info;
        Assert.Equal(((DisputePhase)onChain.Phase).ToString(), dispute["phase"]!.ToString());
        Assert.Equal("Appealable", dispute["phase"]!.ToString());
        Assert.Equal(((Ruling)onChain.Ruling).ToString(), dispute["ruling"]!.ToString());

        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.AppealPeriod);
        await api.SyncAsync();
        Assert.Equal("Executable", (await api.Host.GetJsonAsync($"disputes/{id}"))["phase"]!.ToString());
        var executed = await client.Disputes.ExecuteRulingAsync(id, record, terms);
        await client.Disputes.SettleRoundAsync(id, 0, record, drawn.Committee);
        var ruling = (Ruling)(await client.Disputes.DisputeInfoQueryAsync(id)).Info.Ruling;
        foreach (var juror in salts.Keys.Where(j => VoteOf(j) == ruling))
        {
            await scenario.Oracles[juror].Disputes.ClaimRewardAsync(id, 0);
        }

        await api.SyncAsync();
        dispute = await api.Host.GetJsonAsync($"disputes/{id}");
        Assert.Equal("Executed", dispute["phase"]!.ToString());
        Assert.Equal("executed", dispute["outcome"]!.ToString());
        Assert.Equal(ruling.ToString(), dispute["ruling"]!.ToString());
        var result = Nethereum.Contracts.EventExtensions.DecodeAllEvents<RulingExecutedEvent>(executed).Single().Event;
        Assert.Equal(result.Winner, dispute["winner"]!.ToString(), ignoreCase: true);
        Assert.Equal(result.Penalty.ToString(CultureInfo.InvariantCulture), dispute["penaltyPaid"]!.ToString());
        Assert.Contains(dispute["payouts"]!.AsArray(), p => string.Equals(p!["account"]!.ToString(), result.Winner, StringComparison.OrdinalIgnoreCase));
        Assert.True(dispute["rounds"]![0]!["settled"]!.GetValue<bool>());
        var names = dispute["timeline"]!.AsArray().Select(e => e!["event"]!.ToString()).ToList();
        Assert.Equal(["DisputeFiled", "RoundStarted", "CommitteeDrawn", "VoteCommitted", "VoteRevealed", "RulingExecuted", "RoundSettled", "RewardClaimed"],
            names.Where(n => n is "DisputeFiled" or "RoundStarted" or "CommitteeDrawn" or "VoteCommitted" or "VoteRevealed" or "RulingExecuted" or "RoundSettled" or "RewardClaimed").Distinct());

        // Oracles: the coherent jurors' rewards and coherence, as the contract paid them.
        foreach (var juror in salts.Keys)
        {
            var oracle = await api.Host.GetJsonAsync($"oracles/{juror}");
            var info = (await client.Oracles.OracleInfoQueryAsync(juror)).Info;
            Assert.Equal(info.Stake.ToString(CultureInfo.InvariantCulture), oracle["stake"]!.ToString());
            Assert.Equal(info.Locked.ToString(CultureInfo.InvariantCulture), oracle["locked"]!.ToString());
            Assert.True(oracle["votes"]!["seats"]!.GetValue<int>() >= 1);
            if (VoteOf(juror) == ruling)
            {
                Assert.NotEqual("0", oracle["rewards"]!.ToString());
            }
            else
            {
                Assert.NotEqual("0", oracle["slashed"]!.ToString());
            }
        }

        // The provider's reputation and bond.
        var providerView = await api.Host.GetJsonAsync($"providers/{provider.Address}");
        var chainProvider = (await client.Providers.GetProviderQueryAsync(provider.Address)).P;
        Assert.Equal(chainProvider.Bond.ToString(CultureInfo.InvariantCulture), providerView["bond"]!.ToString());
        Assert.Equal(chainProvider.ReservedBond.ToString(CultureInfo.InvariantCulture), providerView["reservedBond"]!.ToString());
        Assert.Equal(1, providerView["reputation"]!["disputesAgainst"]!.GetValue<int>());
        Assert.Equal(ruling == Ruling.Upheld ? 1 : 0, providerView["reputation"]!["disputesUpheld"]!.GetValue<int>());
        Assert.Equal(1, providerView["reputation"]!["sessionsServed"]!.GetValue<long>());
        var listed = await api.Host.GetJsonAsync("providers?region=FR&status=any");
        Assert.Contains(listed["items"]!.AsArray(), p => string.Equals(p!["address"]!.ToString(), provider.Address, StringComparison.OrdinalIgnoreCase));

        var stats = (await api.Host.Http.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>(new Uri("stats/disputes?days=60", UriKind.Relative)))!;
        Assert.True(stats.Sum(b => b!["filed"]!.GetValue<int>()) >= 1 && stats.Sum(b => b!["upheld"]!.GetValue<int>() + b["rejected"]!.GetValue<int>()) >= 1);
    }
}

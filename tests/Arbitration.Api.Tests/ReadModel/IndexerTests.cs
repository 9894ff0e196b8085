using System.Net;
using Arbitration.Api.Tests.Support;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.ReadModel;

/// <summary>
/// The indexer follows the chain through restarts and reorganizations: its read model always equals the read model a
/// fresh indexer builds from the same chain (every table, every row), so nothing is lost, applied twice or left over
/// from a replaced branch.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class IndexerTests
{
    [Fact]
    public async Task Restart_BlocksMinedWhileStopped_ResumesWithoutDuplicates()
    {
        var scenario = await ChainScenario.GetAsync();
        await using var environment = await ApiEnvironment.CreateAsync();
        var first = await ApiHost.StartAsync(environment);
        await ActivityAsync(scenario, "first");
        await ReadModelSync.CatchUpAsync(first);
        await first.DisposeAsync();

        var (sessionId, _) = await ActivityAsync(scenario, "while stopped");
        await using var second = await ApiHost.StartAsync(environment);
        await ReadModelSync.CatchUpAsync(second);

        Assert.Equal("Open", (await second.GetJsonAsync($"sessions/{sessionId}"))["status"]!.ToString());
        Assert.Equal(await FreshDumpAsync(), await ReadModelDump.TakeAsync(environment.ConnectionString));
    }

    [Fact]
    public async Task Reorganization_BranchReplaced_RolledBackAndForwardToTheNewBranch()
    {
        var scenario = await ChainScenario.GetAsync();
        await scenario.EnsureFreshPricesAsync();
        await using var environment = await ApiEnvironment.CreateAsync();
        await using var api = await ApiHost.StartAsync(environment);
        await ReadModelSync.CatchUpAsync(api);
        var before = await ReadModelDump.TakeAsync(environment.ConnectionString);
        var snapshot = await scenario.Chain.SnapshotAsync();

        // The branch that will be replaced: a provider, a session with a payment, a dispute filed through the API.
        var (orphanSession, orphanClient) = await ActivityAsync(scenario, "orphaned", fileThrough: api);
        await ReadModelSync.CatchUpAsync(api);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(new Uri($"sessions/{orphanSession}", UriKind.Relative))).StatusCode);
        Assert.NotEqual(before, await ReadModelDump.TakeAsync(environment.ConnectionString));
        var orphanHead = await scenario.HeadAsync();

        // The chain goes back and grows another branch, longer than the first.
        await scenario.Chain.RevertAsync(snapshot);
        var (newSession, _) = await ActivityAsync(scenario, "new branch");
        while (await scenario.HeadAsync() <= orphanHead + 2)
        {
            await scenario.Chain.MineAsync();
        }

        await ReadModelSync.CatchUpAsync(api);
        var session = await api.GetJsonAsync($"sessions/{newSession}");
        Assert.NotEqual(orphanClient.Address, session["client"]!.ToString(), StringComparer.OrdinalIgnoreCase);
        var disputes = await api.GetJsonAsync($"disputes?party={orphanClient.Address}");
        Assert.Empty(disputes["items"]!.AsArray());
        Assert.Equal(await FreshDumpAsync(), await ReadModelDump.TakeAsync(environment.ConnectionString));
    }

    // A provider, a client, a session with a payment and (through the API, when given) a dispute.
    private static async Task<(ulong SessionId, Actor Client)> ActivityAsync(ChainScenario scenario, string label, ApiHost? fileThrough = null)
    {
        var provider = await scenario.NewProviderAsync(region: "SE");
        var client = await scenario.NewActorAsync(vpn: 300);
        var (sessionId, terms) = await scenario.OpenSessionAsync(client, provider);
        await scenario.SettleVoucherAsync(client, provider, sessionId, terms, Vpn.Tokens(2), 1 << 20);
        if (fileThrough is not null)
        {
            await ReadModelSync.CatchUpAsync(fileThrough);
            var evidence = await Filings.PostEvidenceAsync(fileThrough, sessionId, label);
            var (status, body) = await Filings.PostAsync(fileThrough, await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, evidence));
            Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        }

        return (sessionId, client);
    }

    // What a new indexer builds from the chain as it is now.
    private static async Task<string> FreshDumpAsync()
    {
        await using var environment = await ApiEnvironment.CreateAsync();
        await using var api = await ApiHost.StartAsync(environment);
        await ReadModelSync.CatchUpAsync(api);
        return await ReadModelDump.TakeAsync(environment.ConnectionString);
    }
}

using System.Net;
using Arbitration.Api.Tests.Support;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Filing;

/// <summary>A party files through the API with only its key: the filing lands on-chain and comes back in the read model.</summary>
[Collection(ChainCollection.Name)]
public sealed class FilingTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task File_SignedFilingWithPermit_DisputeOnChainAndInReadModel()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var evidence = await Filings.PostEvidenceAsync(api.Host, sessionId);
        var balanceBefore = await client.VpnBalanceAsync();
        var ethBefore = await client.Web3.Eth.GetBalance.SendRequestAsync(client.Address);

        var (status, receipt) = await Filings.PostAsync(api.Host, await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, evidence));

        Assert.True(status == HttpStatusCode.Created, receipt.ToJsonString());
        var disputeId = (ulong)receipt["disputeId"]!.GetValue<long>();
        var info = await client.Disputes.DisputeInfoQueryAsync(disputeId);
        Assert.Equal((byte)DisputePhase.Drawing, info.Info.Phase);
        Assert.Equal(balanceBefore - scenario.Cost(3), await client.VpnBalanceAsync());
        Assert.Equal(ethBefore.Value, (await client.Web3.Eth.GetBalance.SendRequestAsync(client.Address)).Value);
        await api.SyncAsync();
        var dispute = await api.Host.GetJsonAsync($"disputes/{disputeId}");
        Assert.Equal(sessionId, dispute["sessionId"]!.GetValue<ulong>());
        Assert.Equal(client.Address, dispute["filer"]!.ToString(), ignoreCase: true);
        Assert.Equal("ProviderBreachedPolicy", dispute["claimType"]!.ToString());
        Assert.Equal("Drawing", dispute["phase"]!.ToString());
        Assert.Equal(evidence.Hash, dispute["evidenceHash"]!.ToString());
        Assert.Equal(receipt["transactionHash"]!.ToString(), dispute["filedTransaction"]!.ToString(), ignoreCase: true);
        Assert.Contains(dispute["evidence"]!.AsArray(), e => e!["hash"]!.ToString() == evidence.Hash && e["stored"]!.GetValue<bool>());
    }

    [Fact]
    public async Task File_SameSignedFilingTwice_OneDisputeAndTheSameAnswer()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var body = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderOvercharged, await Filings.PostEvidenceAsync(api.Host, sessionId));
        var next = await client.Disputes.NextDisputeIdQueryAsync();

        var first = await Filings.PostAsync(api.Host, body);
        var second = await Filings.PostAsync(api.Host, body);

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body.ToJsonString(), second.Body.ToJsonString());
        Assert.Equal(next + 1, await client.Disputes.NextDisputeIdQueryAsync());
    }

    [Fact]
    public async Task File_ConcurrentCopiesOfOneFiling_OneDispute()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var body = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderWithheldService, await Filings.PostEvidenceAsync(api.Host, sessionId));
        var next = await client.Disputes.NextDisputeIdQueryAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Filings.PostAsync(api.Host, body)));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.All(answers, a => Assert.Equal(next, a.Body["disputeId"]!.GetValue<ulong>()));
        Assert.Equal(next + 1, await client.Disputes.NextDisputeIdQueryAsync());
    }

    [Fact]
    public async Task SignFilingCommand_KeystoreOnly_FilesThroughTheApi()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var evidence = await Filings.PostEvidenceAsync(api.Host, sessionId);

        var body = await Arbitration.Api.Commands.SignFilingCommand.SignAsync(api.Host.BaseAddress, client.Key, sessionId, "ProviderBreachedPolicy", 7,
            evidence.Hash, evidence.Uri, (ulong)scenario.Chain.ChainId, null, CancellationToken.None);
        var (status, receipt) = await Filings.PostAsync(api.Host, body);

        Assert.True(status == HttpStatusCode.Created, receipt.ToJsonString());
        Assert.NotNull(body["permit"]);
        var filed = await client.Disputes.DisputeInfoQueryAsync(receipt["disputeId"]!.GetValue<ulong>());
        Assert.Equal((byte)DisputePhase.Drawing, filed.Info.Phase);
    }

    [Fact]
    public async Task SignFilingCommand_SessionWithNamedPanel_FiledWithThePanelSigned()
    {
        var scenario = api.Scenario;
        var provider = await scenario.NewProviderAsync();
        var client = await scenario.NewActorAsync(vpn: 500);
        var panel = scenario.Oracles.Keys.Take(3).ToList();
        var (sessionId, terms) = await scenario.OpenSessionAsync(client, provider, panel: panel);
        Assert.NotEqual(new byte[32], terms.PanelHash);
        await api.SyncAsync();
        var evidence = await Filings.PostEvidenceAsync(api.Host, sessionId);

        var body = await Arbitration.Api.Commands.SignFilingCommand.SignAsync(api.Host.BaseAddress, client.Key, sessionId, "ProviderWithheldService", 0,
            evidence.Hash, evidence.Uri, (ulong)scenario.Chain.ChainId, null, CancellationToken.None);
        var (status, receipt) = await Filings.PostAsync(api.Host, body);

        Assert.True(status == HttpStatusCode.Created, receipt.ToJsonString());
        var disputeId = receipt["disputeId"]!.GetValue<ulong>();
        var filed = await client.Disputes.DisputeInfoQueryAsync(disputeId);
        Assert.Equal((byte)DisputePhase.Commit, filed.Info.Phase); // the named panel sits at once: no draw
    }

    [Fact]
    public async Task File_FilingSignedWithoutTheSessionsPanel_ForgedSignatureAndNothingFiled()
    {
        var scenario = api.Scenario;
        var provider = await scenario.NewProviderAsync();
        var client = await scenario.NewActorAsync(vpn: 500);
        var (sessionId, _) = await scenario.OpenSessionAsync(client, provider, panel: scenario.Oracles.Keys.Take(3).ToList());
        await api.SyncAsync();
        var next = await client.Disputes.NextDisputeIdQueryAsync();

        // Signed as if the session had no panel (panelHash zero): the relayer passes the session's panel, so it is refused.
        var (status, problem) = await Filings.PostAsync(api.Host, await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderOvercharged,
            await Filings.PostEvidenceAsync(api.Host, sessionId)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith("/forged-signature", problem["type"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(next, await client.Disputes.NextDisputeIdQueryAsync());
    }

    [Fact]
    public async Task SignFilingCommand_RunAsOnTheCommandLine_WritesABodyTheApiFiles()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var evidence = await Filings.PostEvidenceAsync(api.Host, sessionId);
        var folder = Directory.CreateTempSubdirectory("sign-filing-");
        try
        {
            var keystore = Path.Combine(folder.FullName, "client.json");
            var password = Path.Combine(folder.FullName, "password");
            var output = Path.Combine(folder.FullName, "filing.json");
            Oracle.Chain.Keys.KeyStoreFile.Create(keystore, client.Key, "correct horse", Oracle.Chain.Keys.KeyStoreCost.Light);
            await File.WriteAllTextAsync(password, "correct horse\n");

            // The API's address as an operator types it: no trailing slash.
            var exit = await Arbitration.Api.Commands.SignFilingCommand.RunAsync(["sign-filing", "--api", api.Host.BaseAddress.ToString().TrimEnd('/'),
                "--keystore", keystore, "--password-file", password, "--chain-id", scenario.Chain.ChainId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--session", sessionId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--claim", "ProviderOvercharged", "--rule", "0",
                "--evidence-hash", evidence.Hash, "--evidence-uri", evidence.Uri, "-o", output]);

            Assert.Equal(0, exit);
            var (status, receipt) = await Filings.PostAsync(api.Host, System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject());
            Assert.True(status == HttpStatusCode.Created, receipt.ToJsonString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SignFilingCommand_ApiNotAUrl_ExitCode2()
    {
        var exit = await Arbitration.Api.Commands.SignFilingCommand.RunAsync(["sign-filing", "--api", "not a url", "--keystore", "/nonexistent.json",
            "--session", "1", "--claim", "ProviderOvercharged", "--evidence-hash", "0x00", "--evidence-uri", "x"]);
        Assert.Equal(2, exit);
    }
}

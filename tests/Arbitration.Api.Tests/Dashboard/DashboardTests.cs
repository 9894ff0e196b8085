using System.Net;
using Arbitration.Api.Tests.Support;
using Microsoft.Playwright;
using Oracle.Chain.Model;
using Oracle.Devnet.Runtime;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's chromium): a dispute filed through the API appears on the page by itself
/// (server-sent events) and moves through its phases to its ruling; the page is kept as a screenshot.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class DashboardTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly float Wait = 30_000;

    [Fact]
    public async Task Dashboard_DisputeFiledAndRuled_ShownThroughEveryPhase()
    {
        var scenario = api.Scenario;
        var provider = await scenario.NewProviderAsync(region: "CH");
        var client = await scenario.NewActorAsync(vpn: 500);
        var (sessionId, terms) = await scenario.OpenSessionAsync(client, provider);
        await scenario.SettleVoucherAsync(client, provider, sessionId, terms, Vpn.Tokens(4), 3 << 20);
        await api.SyncAsync();

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(api.Host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator($"#sessions tr[data-session-id='{sessionId}']")).ToBeVisibleAsync(new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#feeds .card")).ToHaveCountAsync(2);

        // Filed through the API: the page shows it without being reloaded.
        var (status, receipt) = await Filings.PostAsync(api.Host, await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, await Filings.PostEvidenceAsync(api.Host, sessionId)));
        Assert.Equal(HttpStatusCode.Created, status);
        var id = receipt["disputeId"]!.GetValue<ulong>();
        var row = page.Locator($"#disputes tr[data-dispute-id='{id}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Drawing", new() { Timeout = Wait });
        await row.ClickAsync();
        var detail = page.Locator($"#dispute-detail[data-dispute-id='{id}']");
        await Assertions.Expect(detail).ToBeVisibleAsync(new() { Timeout = Wait });

        var record = (await client.Disputes.DisputeInfoQueryAsync(id)).Info;
        Assert.Equal((byte)DisputePhase.Drawing, record.Phase);
        var filed = Nethereum.Contracts.EventExtensions.DecodeAllEvents<Oracle.Chain.Contracts.DisputeManager.DisputeFiledEvent>(
            await client.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(receipt["transactionHash"]!.ToString())).Single().Event.Dispute;
        var drawn = await scenario.DrawAsync(client, id, filed);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Commit", new() { Timeout = Wait });
        await Assertions.Expect(detail.Locator("table.committee tbody tr")).ToHaveCountAsync(drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase).Count(), new() { Timeout = Wait });

        var salts = await scenario.CommitAllAsync(id, 0, drawn.Committee, _ => Ruling.Upheld);
        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.CommitPeriod);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Reveal", new() { Timeout = Wait });
        await scenario.RevealAllAsync(id, 0, salts, _ => Ruling.Upheld);
        await Assertions.Expect(detail.Locator("td.ruling-Upheld")).ToHaveCountAsync(salts.Count, new() { Timeout = Wait });

        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.RevealPeriod);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Appealable", new() { Timeout = Wait });
        await scenario.Chain.IncreaseTimeAsync(scenario.Parameters.AppealPeriod);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Executable", new() { Timeout = Wait });
        await client.Disputes.ExecuteRulingAsync(id, filed, terms);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-phase", "Executed", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#detail-ruling")).ToHaveTextAsync("Upheld", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("#chart rect[data-filed]")).Not.ToHaveCountAsync(0);

        var folder = Path.Combine(RepositoryLayout.Find().Root, ".test-results", "screenshots");
        Directory.CreateDirectory(folder);
        var screenshot = Path.Combine(folder, $"dashboard-dispute-{id}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        Assert.Empty(errors);
    }
}

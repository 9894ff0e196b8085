using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class DisputeCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    public static async Task<string> EvidenceFileAsync(CliHarness cli)
    {
        var path = Path.Combine(cli.Folder, $"evidence-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"sessionId": 1, "records": []}""");
        return path;
    }

    [Fact]
    public async Task File_ByTheProvider_DisputeInDrawingWithTheFeePaid()
    {
        var (client, provider, id) = await SessionCommandsTests.OpenAsync(_cli);
        await provider.BuyVpnAsync("100");
        var evidence = await EvidenceFileAsync(_cli);
        var before = await provider.VpnAsync();

        var file = await provider.RunAsync("dispute", "file", "--session", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--claim", "client-breached-policy",
            "--rule", "2", "--evidence", evidence, "--json");

        Assert.True(file.ExitCode == 0, file.ToString());
        var dispute = file.Json.GetProperty("dispute");
        Assert.Equal("Drawing", dispute.GetProperty("phase").GetString());
        Assert.Equal(client.Address, dispute.GetProperty("respondent").GetString());
        Assert.Equal("ClientBreachedPolicy", dispute.GetProperty("claimType").GetString());
        Assert.Equal(2, dispute.GetProperty("ruleId").GetInt32());
        Assert.Equal("80", file.Json.GetProperty("paid").GetProperty("amount").GetString());
        Assert.Equal(before - Oracles.Tokens(80), await provider.VpnAsync());
    }

    [Fact]
    public async Task File_ClientBreachByTheClient_RefusedNamingWhoFilesIt()
    {
        var (client, _, id) = await SessionCommandsTests.OpenAsync(_cli);

        var file = await client.RunAsync("dispute", "file", "--session", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--claim", "client-breached-policy",
            "--evidence", await EvidenceFileAsync(_cli));

        Assert.Equal(ExitCodes.Refused, file.ExitCode);
        Assert.Contains("filed by the session's provider", file.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--evidence-hash", "0x1234", "64 hex digits")]
    [InlineData("--claim", "everything", "client-breached-policy")]
    public async Task File_WrongValue_RefusedBeforeSending(string option, string value, string reason)
    {
        var (_, provider, id) = await SessionCommandsTests.OpenAsync(_cli);
        var args = new Dictionary<string, string>
        {
            ["--session"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["--claim"] = "client-breached-policy",
            ["--evidence-hash"] = "0x" + new string('a', 64),
            ["--evidence-uri"] = "https://example.org/e.json",
        };
        args[option] = value;

        var result = await provider.RunAsync(["dispute", "file", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_UnknownSession_NotFound()
    {
        var provider = await _cli.NewUserAsync();

        var result = await provider.RunAsync("dispute", "file", "--session", "987654", "--claim", "client-breached-policy", "--evidence", await EvidenceFileAsync(_cli));

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
    }

    [Fact]
    public async Task Show_UnknownDispute_NotFound()
    {
        var result = await _cli.RunAsync("dispute", "show", "987654");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
    }

    [Fact]
    public async Task Claim_NothingOwed_Refused()
    {
        var user = await _cli.NewUserAsync();

        var result = await user.RunAsync("dispute", "claim");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("nothing to claim", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WhileDrawing_RefusedWithThePhase()
    {
        var (_, provider, id) = await SessionCommandsTests.OpenAsync(_cli);
        await provider.BuyVpnAsync("100");
        var file = await provider.RunAsync("dispute", "file", "--session", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--claim", "client-breached-policy",
            "--evidence", await EvidenceFileAsync(_cli), "--json");
        var disputeId = file.Json.GetProperty("dispute").GetProperty("disputeId").ToString();

        var execute = await provider.RunAsync("dispute", "execute", disputeId);
        var evidence = await provider.RunAsync("dispute", "evidence", disputeId, "--evidence", await EvidenceFileAsync(_cli));

        Assert.Equal(ExitCodes.Refused, execute.ExitCode);
        Assert.Contains("Drawing", execute.Error, StringComparison.Ordinal);
        Assert.True(evidence.ExitCode == 0, evidence.ToString());
    }
}

using System.Globalization;
using Oracle.Actions.Sessions;
using Oracle.Chain.Deployment;
using Oracle.Chain.Sessions;
using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;
using Oracle.Core.Eip712;

namespace Oracle.Cli.Tests.Commands;

/// <summary>
/// A session judged by a named panel: the provider signs its acceptance (`oracle provider accept-panel`), the client
/// opens with it (`oracle session open --panel-acceptance`); a forged, wrong, expired or mismatched acceptance is refused
/// in one line before anything is sent.
/// </summary>
public sealed class SessionPanelTests(PanelNetwork network) : IClassFixture<PanelNetwork>
{
    private CliHarness Cli => network.Cli;

    [Fact]
    public async Task Open_WithTheProvidersAcceptanceFile_SessionOnChainWithThePanel()
    {
        var client = await NewClientAsync();
        var file = Path.Combine(Cli.Folder, $"acceptance-{client.Address}.json");

        var accept = await network.Provider.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel", string.Join(',', network.Oracles),
            "--penalty", "2", "--valid-for", "10m", "--out", file);
        var open = await client.RunAsync("session", "open", "--provider", network.Provider.Address, "--deposit", "10", "--panel", string.Join(',', network.Oracles),
            "--penalty", "2", "--panel-acceptance", file, "--json");

        Assert.True(accept.ExitCode == 0, accept.ToString());
        Assert.Contains(PanelAcceptanceDocument.TokenPrefix, accept.Output, StringComparison.Ordinal);
        Assert.True(open.ExitCode == 0, open.ToString());
        var id = ulong.Parse(open.Json.GetProperty("session").GetProperty("sessionId").ToString(), CultureInfo.InvariantCulture);
        var manifest = DeploymentManifest.Load(Cli.Manifest);
        var (record, state) = (await new SessionReader(Cli.Chain.ReadOnly, manifest.AddressOf(ContractNames.SessionManager)).FindAsync(id))!.Value;
        var ascending = network.Oracles.OrderBy(o => o.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        Assert.Equal(ascending, record.Panel);
        Assert.Equal(PanelAcceptance.HashPanel(ascending), record.Terms.PanelHash);
        Assert.Equal(3, record.Terms.CommitteeSize);
        Assert.Equal(Support.Oracles.Tokens(2), record.Terms.Penalty);
        Assert.Equal(client.Address, record.Terms.Client, ignoreCase: true);
        Assert.Equal(1, state.Status);
    }

    [Fact]
    public async Task Open_WithTheOneLineAcceptanceTwice_FirstOpensSecondRefused()
    {
        var client = await NewClientAsync();
        var accept = await network.Provider.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel", string.Join(',', network.Oracles), "--json");
        Assert.True(accept.ExitCode == 0, accept.ToString());
        var token = accept.Json.GetProperty("acceptance").GetString()!;

        var first = await client.RunAsync("session", "open", "--provider", network.Provider.Address, "--deposit", "5", "--panel", string.Join(',', network.Oracles),
            "--panel-acceptance", token, "--json");
        var second = await client.RunAsync("session", "open", "--provider", network.Provider.Address, "--deposit", "5", "--panel", string.Join(',', network.Oracles),
            "--panel-acceptance", token);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(3, first.Json.GetProperty("session").GetProperty("panel").GetArrayLength());
        Assert.Equal(ExitCodes.Refused, second.ExitCode);
        Assert.Contains("already opened a session", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AlteredAcceptance_RefusedInOneLineBeforeSending()
    {
        var client = await NewClientAsync();
        var accept = await network.Provider.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel", string.Join(',', network.Oracles),
            "--penalty", "2", "--json");
        Assert.True(accept.ExitCode == 0, accept.ToString());
        // The client lowers the penalty the provider signed: the signature no longer recovers to the provider.
        var document = accept.Json.GetProperty("document").GetRawText().Replace(Support.Oracles.Tokens(2).ToString(CultureInfo.InvariantCulture), "1", StringComparison.Ordinal);

        var open = await RefusedAsync(client, "--panel", string.Join(',', network.Oracles), "--penalty", "1", "--panel-acceptance", document);

        Assert.Equal(ExitCodes.Refused, open.ExitCode);
        Assert.Contains($"not signed by provider {network.Provider.Address}", open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AcceptanceSignedByAnotherKey_RefusedAsForged()
    {
        var client = await NewClientAsync();
        var forger = Nethereum.Signer.EthECKey.GenerateKey();
        var forged = network.Sign(forger, network.Provider.Address, client.Address, 0, network.Oracles, await DeadlineAsync(600));

        var open = await RefusedAsync(client, "--panel", string.Join(',', network.Oracles), "--panel-acceptance", forged.ToToken());

        Assert.Equal(ExitCodes.Refused, open.ExitCode);
        Assert.Contains("forged or altered", open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AnotherProvidersAcceptance_RefusedNamingBoth()
    {
        var client = await NewClientAsync();
        var other = Nethereum.Signer.EthECKey.GenerateKey();
        var otherAddress = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(other.GetPublicAddress());
        var acceptance = network.Sign(other, otherAddress, client.Address, 0, network.Oracles, await DeadlineAsync(600));

        var open = await RefusedAsync(client, "--panel", string.Join(',', network.Oracles), "--panel-acceptance", acceptance.ToToken());

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.Contains($"is provider {otherAddress}'s, not --provider {network.Provider.Address}'s", open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExpiredAcceptance_RefusedAskingForANewOne()
    {
        var client = await NewClientAsync();
        var expired = network.Sign(network.Provider.Key, network.Provider.Address, client.Address, 0, network.Oracles, await DeadlineAsync(-60));

        var open = await RefusedAsync(client, "--panel", string.Join(',', network.Oracles), "--panel-acceptance", expired.ToToken());

        Assert.Equal(ExitCodes.Refused, open.ExitCode);
        Assert.Contains("expired", open.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client", "is for client")]
    [InlineData("penalty", "is not the accepted penalty")]
    [InlineData("panel", "is not the accepted panel")]
    [InlineData("committee", "is not the accepted panel's size")]
    [InlineData("no-penalty", "give --penalty 1 if you agree to it")]
    [InlineData("no-panel", "give --panel with the oracles you agree to")]
    public async Task Open_AcceptanceNotForWhatIsAsked_RefusedNamingTheField(string mismatch, string reason)
    {
        var client = await NewClientAsync();
        var someoneElse = await Cli.NewUserAsync(1);
        var acceptance = network.Sign(network.Provider.Key, network.Provider.Address, mismatch == "client" ? someoneElse.Address : client.Address,
            Support.Oracles.Tokens(1), network.Oracles, await DeadlineAsync(600));
        var terms = new Dictionary<string, string> { ["--penalty"] = "1", ["--panel"] = string.Join(',', network.Oracles) };
        switch (mismatch)
        {
            case "penalty": terms["--penalty"] = "3"; break;
            case "no-penalty": terms.Remove("--penalty"); break;
            case "panel": terms["--panel"] = string.Join(',', network.Oracles.Take(2).Append(someoneElse.Address)); break;
            case "no-panel": terms.Remove("--panel"); break;
            case "committee": terms["--committee"] = "5"; break;
        }

        string[] extra = [.. terms.SelectMany(t => new[] { t.Key, t.Value })];

        var open = await RefusedAsync(client, ["--panel-acceptance", acceptance.ToToken(), .. extra]);

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.Contains(reason, open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_NamedPanelWithoutAcceptance_RefusedPointingToAcceptPanel()
    {
        var client = await NewClientAsync();

        var open = await RefusedAsync(client, "--panel", string.Join(',', network.Oracles));

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.Contains("oracle provider accept-panel", open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AcceptanceThatIsNotOne_RefusedNamingTheProblem()
    {
        var client = await NewClientAsync();

        var open = await RefusedAsync(client, "--panel-acceptance", PanelAcceptanceDocument.TokenPrefix + "not*base64");

        Assert.Equal(ExitCodes.InvalidInput, open.ExitCode);
        Assert.Contains("base64url", open.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptPanel_ByAnAccountThatIsNoProvider_Refused()
    {
        var stranger = await Cli.NewUserAsync(1);
        var client = await Cli.NewUserAsync(1);

        var accept = await stranger.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel", string.Join(',', network.Oracles));

        Assert.Equal(ExitCodes.Refused, accept.ExitCode);
        Assert.Contains("not a registered provider", accept.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptPanel_MemberIsNoStakedOracle_RefusedNamingIt()
    {
        var client = await Cli.NewUserAsync(1);
        var stranger = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(Nethereum.Signer.EthECKey.GenerateKey().GetPublicAddress());

        var accept = await network.Provider.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel",
            string.Join(',', network.Oracles.Take(2).Append(stranger)));

        Assert.Equal(ExitCodes.InvalidInput, accept.ExitCode);
        Assert.Contains($"{stranger} is not a staked oracle", accept.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--valid-for", "forever", "not a duration")]
    [InlineData("--valid-for", "31d", "at most 30 days")]
    [InlineData("--penalty", "-1", "--penalty")]
    public async Task AcceptPanel_WrongValue_RefusedInOneLine(string option, string value, string reason)
    {
        var client = await Cli.NewUserAsync(1);

        var accept = await network.Provider.RunAsync("provider", "accept-panel", "--client", client.Address, "--panel", string.Join(',', network.Oracles), option, value);

        Assert.Equal(ExitCodes.InvalidInput, accept.ExitCode);
        Assert.Contains(reason, accept.Error, StringComparison.Ordinal);
        Assert.Single(accept.Error.Trim().Split('\n'));
    }

    private async Task<CliHarness.User> NewClientAsync()
    {
        var client = await Cli.NewUserAsync();
        await client.BuyVpnAsync("20");
        return client;
    }

    private async Task<ulong> DeadlineAsync(long fromNow) => (ulong)((long)await Cli.Chain.LatestTimestampAsync() + fromNow);

    /// <summary>Runs `session open` with <paramref name="args"/> and checks that it failed in one line and sent nothing.</summary>
    private async Task<CliResult> RefusedAsync(CliHarness.User client, params string[] args)
    {
        var nonce = await network.NonceAsync(client.Address);
        var balance = await client.VpnAsync();

        var open = await client.RunAsync(["session", "open", "--provider", network.Provider.Address, "--deposit", "5", .. args]);

        Assert.True(open.ExitCode != 0, open.ToString());
        Assert.True(open.Error.Trim().Split('\n').Length == 1, open.ToString());
        Assert.DoesNotContain("waiting for confirmation", open.Error, StringComparison.Ordinal);
        Assert.Equal(nonce, await network.NonceAsync(client.Address));
        Assert.Equal(balance, await client.VpnAsync());
        return open;
    }
}

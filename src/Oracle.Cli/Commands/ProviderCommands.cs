using System.CommandLine;
using Oracle.Actions;
using Oracle.Actions.Providers;
using Oracle.Actions.Sessions;
using Oracle.Actions.Units;
using Oracle.Cli.Hosting;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle provider register|update|add-bond|unbond|withdraw|show|list|accept-panel</c>.</summary>
internal static class ProviderCommands
{
    public static Command Create(CliApplication app)
    {
        Option<string?> Text(string name, string description) => new(name) { Description = description };
        var endpoint = Text("--endpoint", "The gateway's UDP endpoint, host:port");
        var tunnelKey = Text("--tunnel-key", "The gateway's tunnel public key, base64 or 0x-hex (`vpngateway keygen` prints it)");
        var region = Text("--region", "ISO 3166 region code: DE, US-CA");
        var price = Text("--price", "VPN per MiB carried (0.001)");
        var policy = Text("--policy", "The policy document the gateway enforces (its hash is registered)");
        var policyUri = Text("--policy-uri", "Where clients fetch the policy document (default: the file's URI)");
        var bond = Text("--bond", "VPN to post as bond (default: the network's minimum)");

        ProviderTerms Terms(ParseResult parse) => new(parse.GetValue(endpoint), parse.GetValue(tunnelKey), parse.GetValue(region),
            Arguments.OptionalAmount(parse.GetValue(price), Asset.Vpn, "--price"), parse.GetValue(policy), parse.GetValue(policyUri));

        var register = new Command("register", "Register your account as a provider: endpoint, tunnel key, region, price, policy, bond")
        {
            endpoint, tunnelKey, region, price, policy, policyUri, bond,
        };
        register.SetAction((parse, ct) => app.OnChainAsync(parse, true,
            (context, token) => ProviderActions.RegisterAsync(context, Terms(parse), Arguments.OptionalAmount(parse.GetValue(bond), Asset.Vpn, "--bond"), token), PrintTransaction, ct));

        var update = new Command("update", "Change what you publish; options not given keep their value") { endpoint, tunnelKey, region, price, policy, policyUri };
        update.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => ProviderActions.UpdateAsync(context, Terms(parse), token), PrintTransaction, ct));

        var amount = new Option<string>("--amount") { Description = "VPN to add", Required = true };
        var addBond = new Command("add-bond", "Add VPN to your bond") { amount };
        addBond.SetAction((parse, ct) => app.OnChainAsync(parse, true,
            (context, token) => ProviderActions.AddBondAsync(context, Arguments.Amount(parse.GetValue(amount), Asset.Vpn, "--amount"), token), PrintTransaction, ct));

        var unbond = new Command("unbond", "Take no new sessions and start the unbonding delay");
        unbond.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => ProviderActions.UnbondAsync(context, token), PrintTransaction, ct));

        var withdraw = new Command("withdraw", "Withdraw your bond after the unbonding delay (leaves the registry)");
        withdraw.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => ProviderActions.WithdrawAsync(context, token), PrintTransaction, ct));

        var address = new Argument<string?>("address") { Description = "The provider (default: your account)", Arity = ArgumentArity.ZeroOrOne };
        var show = new Command("show", "Show a provider") { address };
        show.SetAction((parse, ct) => app.OnChainAsync(parse, parse.GetValue(address) is null,
            (context, token) => ProviderActions.ShowAsync(context, parse.GetValue(address), token), PrintProvider, ct));

        var maxPrice = Text("--max-price", "Only providers at or below this price, VPN per MiB");
        var all = new Option<bool>("--all") { Description = "Also providers that take no new sessions (unbonding)" };
        var listRegion = Text("--region", "Only this region");
        var list = new Command("list", "Find providers by region and price, cheapest first") { listRegion, maxPrice, all };
        list.SetAction((parse, ct) => app.OnChainAsync(parse, false, (context, token) => ProviderActions.ListAsync(context,
            new ProviderFilter(parse.GetValue(listRegion), Arguments.OptionalAmount(parse.GetValue(maxPrice), Asset.Vpn, "--max-price"), parse.GetValue(all)), token),
            PrintList, ct));

        var acceptPanel = AcceptPanel(app);

        return new Command("provider", "Providers: register a gateway on-chain, manage its bond, find providers, accept a client's panel")
        {
            register, update, addBond, unbond, withdraw, show, list, acceptPanel,
        };
    }

    private static Command AcceptPanel(CliApplication app)
    {
        var client = new Option<string>("--client") { Description = "The client that will open the session (its address)", Required = true };
        var panel = new Option<string[]>("--panel")
        {
            Description = "The staked oracles both parties name, comma-separated (odd, 3 up to the network's maximum)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var penalty = new Option<string?>("--penalty") { Description = "The session's penalty, VPN (default 0; reserved from your bond when the session opens)" };
        var validFor = new Option<string?>("--valid-for") { Description = "How long the client has to open the session: 90s, 30m, 2h, 7d (default 1h, at most 30d)" };
        var output = new Option<string?>("--out") { Description = "Also write the acceptance (a JSON document) to this file" };
        var command = new Command("accept-panel",
            "Sign your acceptance that a client opens one session with you judged by a named panel (EIP-712 PanelAcceptance; nothing is sent): "
            + "give what it prints to the client, who opens with `oracle session open --panel-acceptance`")
        {
            client, panel, penalty, validFor, output,
        };
        command.SetAction((parse, ct) => app.OnChainAsync(parse, true, async (context, token) =>
        {
            var request = new PanelAcceptanceRequest(parse.GetValue(client)!, Arguments.List(parse.GetValue(panel)),
                Arguments.OptionalAmount(parse.GetValue(penalty), Asset.Vpn, "--penalty") ?? Asset.Vpn.Amount(0),
                parse.GetValue(validFor) is { } d ? Arguments.Duration(d, "--valid-for") : TimeSpan.FromHours(1));
            var issued = await PanelActions.AcceptAsync(context, request, token).ConfigureAwait(false);
            if (!issued.IsSuccess || parse.GetValue(output) is not { } file)
            {
                return issued;
            }

            try
            {
                await File.WriteAllTextAsync(file, issued.Value.Document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", token)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new ActionError(ActionErrorKind.InvalidInput, $"--out {file}: {e.Message}");
            }

            return issued.Value with { File = Path.GetFullPath(file) };
        }, PrintAcceptance, ct));
        return command;
    }

    private static void PrintAcceptance(PanelAcceptanceIssued a, CliOutput output)
    {
        output.Line($"panel accepted by provider {a.Provider} for client {a.Client}");
        output.Field("panel", string.Join(", ", a.Panel));
        output.Field("penalty", a.Penalty);
        output.Field("valid until", Arguments.Time(a.ValidUntil));
        if (a.File is { } file)
        {
            output.Field("written to", file);
        }

        output.Line();
        output.Line("give the client this acceptance (one line; it opens one session):");
        output.Line(a.Acceptance);
        output.Line();
        output.Line($"the client opens with: oracle session open --provider {a.Provider} --deposit <VPN> --panel {string.Join(',', a.Panel)} "
            + $"--penalty {a.Penalty.ToDecimalString()} --panel-acceptance <{(a.File is null ? "the line above" : "the file or the line above")}>");
    }

    private static void PrintTransaction(ProviderTransaction t, CliOutput output)
    {
        PrintProvider(t.Provider, output);
        output.Field("transaction", $"{t.TransactionHash} (block {t.Block})");
    }

    private static void PrintProvider(ProviderView p, CliOutput output)
    {
        output.Line($"provider {p.Address} ({p.Status.ToString().ToLowerInvariant()})");
        output.Field("endpoint", p.Endpoint);
        output.Field("tunnel key", p.TunnelKey);
        output.Field("region", p.Region);
        output.Field("price", $"{p.PricePerMiB} per MiB");
        output.Field("policy", $"{p.PolicyHash} {p.PolicyUri}");
        output.Field("bond", p.ReservedBond.IsZero ? p.Bond.ToString() : $"{p.Bond} ({p.ReservedBond} reserved by sessions)");
        output.Field("registered", p.RegisteredAt);
        if (p.UnbondableAt is { } at)
        {
            output.Field("withdrawable", at);
        }
    }

    private static void PrintList(IReadOnlyList<ProviderView> providers, CliOutput output)
    {
        if (providers.Count == 0)
        {
            output.Line("no provider matches");
            return;
        }

        output.Table(["provider", "region", "price/MiB", "bond", "status", "endpoint"],
            providers.Select(p => (IReadOnlyList<string>)[p.Address, p.Region, p.PricePerMiB.ToString(), p.Bond.ToString(), p.Status.ToString().ToLowerInvariant(), p.Endpoint]));
    }
}

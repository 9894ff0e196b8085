using System.CommandLine;
using Oracle.Actions;
using Oracle.Actions.Keys;
using Oracle.Chain.Keys;
using Oracle.Cli.Hosting;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle keys create|import|address|show</c>: keys in keystore files, and what an account holds.</summary>
internal static class KeysCommands
{
    public static Command Create(CliApplication app)
    {
        var output = new Option<string>("--out", "-o") { Description = "The keystore file to write (never overwritten)", Required = true };
        var light = new Option<bool>("--light") { Description = "Cheap scrypt parameters: for throwaway test keys only", Hidden = true };
        var create = new Command("create", "Create a new key in a keystore file (Web3 Secret Storage) and print its address") { output, light };
        create.SetAction((parse, ct) => app.LocalAsync(parse, (o, s) =>
        {
            var path = parse.GetValue(output)!;
            var password = app.ReadPassword(s.Chain.PasswordFile, path, o, confirm: true);
            return Task.FromResult(KeyActions.Create(path, password, parse.GetValue(light) ? KeyStoreCost.Light : KeyStoreCost.Standard));
        }, PrintKey));

        var privateKeyFile = new Option<string>("--private-key-file")
        {
            Description = "A file whose first line is the private key (64 hex digits); - reads standard input. Never pass a key as an argument: others see arguments",
            Required = true,
        };
        var importOut = new Option<string>("--out", "-o") { Description = "The keystore file to write (never overwritten)", Required = true };
        var import = new Command("import", "Encrypt an existing private key into a new keystore file") { privateKeyFile, importOut, light };
        import.SetAction((parse, ct) => app.LocalAsync(parse, async (o, s) =>
        {
            var source = parse.GetValue(privateKeyFile)!;
            string key;
            try
            {
                key = source == "-" ? (await Console.In.ReadLineAsync(ct).ConfigureAwait(false) ?? "") : (await File.ReadAllLinesAsync(source, ct).ConfigureAwait(false)).FirstOrDefault() ?? "";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new ActionError(ActionErrorKind.InvalidInput, $"--private-key-file: {e.Message}");
            }

            var path = parse.GetValue(importOut)!;
            var password = app.ReadPassword(s.Chain.PasswordFile, path, o, confirm: true);
            return KeyActions.Import(path, key, password, parse.GetValue(light) ? KeyStoreCost.Light : KeyStoreCost.Standard);
        }, PrintKey));

        var address = new Command("address", "Print the address of --keystore (checks its password; needs no chain)");
        address.SetAction((parse, ct) => app.LocalAsync(parse, (o, s) =>
        {
            if (s.Chain.Keystore is null)
            {
                return Task.FromResult<ActionResult<KeyInfo>>(new ActionError(ActionErrorKind.Key, "give --keystore"));
            }

            var password = app.ReadPassword(s.Chain.PasswordFile, s.Chain.Keystore, o);
            return Task.FromResult(KeyActions.Show(s.Chain.Keystore, null, name => name == KeyStoreFile.PasswordVariable ? password : app.Environment(name)));
        }, PrintKey));

        var of = new Option<string?>("--address") { Description = "Any account's address instead of --keystore's" };
        var show = new Command("show", "Show an account's address and its ETH, wBTC and VPN balances, bond, stake and dispute credits") { of };
        show.SetAction((parse, ct) => app.OnChainAsync(parse, parse.GetValue(of) is null,
            (context, token) => KeyActions.BalancesAsync(context, parse.GetValue(of), token), PrintBalances, ct));

        return new Command("keys", "Keys (keystore files) and balances") { create, import, address, show };
    }

    private static void PrintKey(KeyInfo key, CliOutput output)
    {
        output.Line(key.Address);
        output.Field("keystore", key.Keystore);
    }

    private static void PrintBalances(AccountBalances b, CliOutput output)
    {
        output.Line(b.Address);
        output.Field("ETH", b.Eth);
        output.Field("wBTC", b.WrappedBtc);
        output.Field("VPN", b.Vpn);
        if (!b.ProviderBond.IsZero)
        {
            output.Field("provider bond", b.ProviderBond);
        }

        if (!b.OracleStake.IsZero)
        {
            output.Field("oracle stake", b.OracleStake);
        }

        if (!b.Claimable.IsZero)
        {
            output.Field("dispute credits", $"{b.Claimable} (oracle dispute claim)");
        }
    }
}

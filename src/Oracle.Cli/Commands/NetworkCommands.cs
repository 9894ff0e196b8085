using System.CommandLine;
using Oracle.Actions;
using Oracle.Actions.Network;
using Oracle.Chain.Keys;
using Oracle.Cli.Hosting;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle network deploy|verify</c>: the contract set on any EVM chain.</summary>
internal static class NetworkCommands
{
    public static Command Create(CliApplication app)
    {
        var name = new Option<string>("--name") { Description = "The network's name: the manifest is deployments/<name>.json", Required = true };
        var parameters = new Option<string?>("--parameters") { Description = "The network's parameters (JSON; docs/operations.md); default: the devnet's" };
        var output = new Option<string?>("--out") { Description = "Where to write the manifest (default deployments/<name>.json)" };
        var deploy = new Command("deploy", "Deploy and wire the contracts through --rpc-url with --keystore as deployer, write the manifest and verify it")
        {
            name, parameters, output,
        };
        deploy.SetAction((parse, ct) => app.LocalAsync(parse, async (o, settings) =>
        {
            // Another network's manifest (the devnet's, found by default) must not choose the chain a new network goes to.
            var rpcUrl = settings.RpcUrlFromManifest ? null : settings.Chain.RpcUrl;
            if (string.IsNullOrWhiteSpace(rpcUrl))
            {
                return new ActionError(ActionErrorKind.InvalidInput, "give the chain to deploy to: --rpc-url");
            }

            var keystore = settings.Chain.Keystore;
            if (keystore is null)
            {
                return new ActionError(ActionErrorKind.Key, "give the deployer's key: --keystore");
            }

            var deployer = KeyStoreFile.Load(keystore, app.ReadPassword(settings.Chain.PasswordFile, keystore, o));
            var networkName = parse.GetValue(name)!;
            var path = parse.GetValue(output) ?? Path.Combine(Repository(app), "deployments", networkName + ".json");
            return await NetworkActions.DeployAsync(rpcUrl, deployer, networkName, NetworkParametersFile.Load(parse.GetValue(parameters)), path, o, ct).ConfigureAwait(false);
        }, PrintReport, Verified));

        var verify = new Command("verify", "Verify a deployment (--manifest) against its chain: chain id, contracts built from this source, wiring");
        verify.SetAction((parse, ct) => app.OnChainAsync(parse, false, (context, token) => NetworkActions.VerifyAsync(context, token), PrintReport, ct, Verified));

        return new Command("network", "The contract set: deploy it to any EVM chain and verify a deployment") { deploy, verify };
    }

    // A deployment that fails a check is exit code 1, whatever was printed.
    private static int Verified(NetworkReport report) => report.Verified ? ExitCodes.Success : ExitCodes.Refused;

    private static string Repository(CliApplication app)
        => app.Environment("ORACLE_REPOSITORY") is { Length: > 0 } repository ? repository : Environment.CurrentDirectory;

    private static void PrintReport(NetworkReport r, CliOutput output)
    {
        output.Line($"network {r.Network} on chain {r.ChainId}: {(r.Verified ? "verified" : "NOT verified")}{(r.Manifest is null ? "" : $" (manifest {r.Manifest})")}");
        foreach (var (contract, address) in r.Contracts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.Field(contract, address);
        }

        foreach (var check in r.Checks.Where(c => !c.Passed))
        {
            output.Line($"  ✗ {check.What}: {check.Detail}");
        }

        output.Line($"  {r.Checks.Count(c => c.Passed)} of {r.Checks.Count} checks passed");
    }
}

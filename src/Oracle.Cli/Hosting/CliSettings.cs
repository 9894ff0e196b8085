using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Oracle.Actions;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Chain.Transactions;

namespace Oracle.Cli.Hosting;

/// <summary>
/// Where the command line acts, resolved once per command from (later wins) the user's configuration file, the file of
/// <c>--config</c>, <c>ORACLE_&lt;Section&gt;__&lt;Key&gt;</c> variables and the options. Without a manifest, the checkout's
/// <c>deployments/devnet.json</c> (the running devnet's) is used, and its <c>rpcUrl</c> names the node.
/// </summary>
/// <param name="Chain">Section <c>Chain</c>.</param>
/// <param name="Transactions">Section <c>Chain:Transactions</c>.</param>
/// <param name="ApiUrl">The Arbitration API (section <c>Api:Url</c>), when one is configured.</param>
/// <param name="RpcUrlFromManifest">Whether the node was not configured but taken from the manifest's rpcUrl.</param>
internal sealed record CliSettings(ChainOptions Chain, TransactionSenderOptions Transactions, string? ApiUrl, bool RpcUrlFromManifest = false)
{
    public const string EnvironmentPrefix = "ORACLE_";

    /// <summary>Reads the settings for <paramref name="parse"/>.</summary>
    /// <exception cref="ActionFailedException">A configuration file is missing or malformed, or a value does not convert.</exception>
    public static CliSettings Resolve(ParseResult parse, GlobalOptions options, Func<string, string?> environment)
    {
        var builder = new ConfigurationBuilder();
        var userFile = UserConfigFile(environment);
        if (userFile is not null && File.Exists(userFile))
        {
            builder.AddJsonFile(userFile, optional: true, reloadOnChange: false);
        }

        if (parse.GetValue(options.Config) is { } config)
        {
            if (!File.Exists(config))
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"--config {config}: no such file"));
            }

            builder.AddJsonFile(Path.GetFullPath(config), optional: false, reloadOnChange: false);
        }

        builder.AddInMemoryCollection(Variables(environment));
        var overrides = new Dictionary<string, string?>();
        void Set(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                overrides[key] = value;
            }
        }

        Set("Chain:RpcUrl", parse.GetValue(options.RpcUrl));
        Set("Chain:Manifest", FullPath(parse.GetValue(options.Manifest)));
        Set("Chain:Keystore", FullPath(parse.GetValue(options.Keystore)));
        Set("Chain:PasswordFile", FullPath(parse.GetValue(options.PasswordFile)));
        builder.AddInMemoryCollection(overrides);

        IConfigurationRoot root;
        ChainOptions chain;
        TransactionSenderOptions transactions;
        try
        {
            root = builder.Build();
            chain = root.GetSection(ChainOptions.Section).Get<ChainOptions>() ?? new ChainOptions();
            transactions = root.GetSection(TransactionSenderOptions.SectionName).Get<TransactionSenderOptions>() ?? new TransactionSenderOptions();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"configuration: {e.GetBaseException().Message}"));
        }

        if (string.IsNullOrWhiteSpace(chain.Manifest) && chain.Contracts.Count == 0 && DefaultManifest(environment) is { } devnet)
        {
            chain.Manifest = devnet;
        }

        var fromManifest = false;
        if (string.IsNullOrWhiteSpace(chain.RpcUrl) && !string.IsNullOrWhiteSpace(chain.Manifest) && File.Exists(chain.Manifest))
        {
            try
            {
                chain.RpcUrl = DeploymentManifest.Load(chain.Manifest).RpcUrl;
                fromManifest = chain.RpcUrl is not null;
            }
            catch (InvalidDataException e)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"--manifest: {e.Message}"));
            }
        }

        return new CliSettings(chain, transactions, root["Api:Url"], fromManifest);
    }

    /// <summary>The checkout's <c>deployments/devnet.json</c>: under ORACLE_REPOSITORY (set by ./oracle), or the working folder or a parent.</summary>
    private static string? DefaultManifest(Func<string, string?> environment)
    {
        if (environment("ORACLE_REPOSITORY") is { Length: > 0 } repository)
        {
            var path = Path.Combine(repository, "deployments", "devnet.json");
            return File.Exists(path) ? path : null;
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "deployments", "devnet.json");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static string? UserConfigFile(Func<string, string?> environment)
    {
        var xdg = environment("XDG_CONFIG_HOME");
        var home = environment("HOME");
        return !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "oracle", "config.json")
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".config", "oracle", "config.json")
            : null;
    }

    // ORACLE_Chain__RpcUrl → Chain:RpcUrl. The environment is read through the function given (tests pass their own).
    private static IEnumerable<KeyValuePair<string, string?>> Variables(Func<string, string?> environment)
    {
        foreach (var key in KnownVariables)
        {
            if (environment(EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal)) is { Length: > 0 } value)
            {
                yield return new(key, value);
            }
        }
    }

    private static readonly string[] KnownVariables =
    [
        "Chain:RpcUrl", "Chain:Manifest", "Chain:Keystore", "Chain:PasswordFile", "Chain:ChainId", "Chain:Confirmations", "Chain:MaxLogRange",
        "Chain:Transactions:Confirmations", "Chain:Transactions:MaxFeePerGasGwei", "Chain:Transactions:MaxPriorityFeePerGasGwei",
        "Chain:Transactions:PriorityFeePerGasGwei", "Chain:Transactions:MaxGas", "Chain:Transactions:PollInterval", "Api:Url",
    ];

    private static string? FullPath(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);

    /// <summary>The password variable the chain context reads.</summary>
    public const string PasswordVariable = KeyStoreFile.PasswordVariable;
}

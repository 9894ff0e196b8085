using System.CommandLine;
using Oracle.Actions;
using Oracle.Chain.Keys;
using Oracle.Cli.Commands;

namespace Oracle.Cli.Hosting;

/// <summary>
/// The <c>oracle</c> command line: its commands, the options they share, and how a command runs — settings resolved,
/// the chain context made, the action run, its result printed, every failure one line and an exit code
/// (<see cref="ExitCodes"/>), never a stack trace.
/// </summary>
internal sealed class CliApplication
{
    private readonly Func<string, string?> _environment;
    private readonly bool _interactive;

    /// <summary>Builds the command tree.</summary>
    /// <param name="environment">Reads environment variables (the process's by default; tests pass their own).</param>
    /// <param name="interactive">Whether a person is at the terminal (password prompts, a live progress line); detected when null.</param>
    public CliApplication(Func<string, string?>? environment = null, bool? interactive = null)
    {
        _environment = environment ?? System.Environment.GetEnvironmentVariable;
        _interactive = interactive ?? (!Console.IsInputRedirected && !Console.IsErrorRedirected);
        Root = new RootCommand("oracle: the Oracle network's command line for clients, providers, oracles and auditors. "
            + "Every command takes --rpc-url, --manifest, --keystore, --password-file, --config and --json.")
        {
            KeysCommands.Create(this),
            ExchangeCommands.Create(this),
            ProviderCommands.Create(this),
            SessionCommands.Create(this),
            DisputeCommands.Create(this),
            NetworkCommands.Create(this),
        };
        foreach (var option in Options.All)
        {
            Root.Options.Add(option);
        }
    }

    public GlobalOptions Options { get; } = new();

    public RootCommand Root { get; }

    public Func<string, string?> Environment => _environment;

    /// <summary>Parses and runs <paramref name="args"/>; a parse error is exit code 2 with the parser's message.</summary>
    public async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
            EnableDefaultExceptionHandler = false,
        };
        var parse = Root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var e in parse.Errors)
            {
                configuration.Error.WriteLine($"oracle: {e.Message}");
            }

            configuration.Error.WriteLine("(oracle --help, or oracle <command> --help, shows the usage)");
            return ExitCodes.InvalidInput;
        }

        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            configuration.Error.WriteLine("oracle: interrupted");
            return ExitCodes.Interrupted;
        }
    }

    /// <summary>Runs an action on the chain: connects (with the key when <paramref name="needsKey"/>), runs, prints.</summary>
    public Task<int> OnChainAsync<T>(ParseResult parse, bool needsKey, Func<ActionContext, CancellationToken, Task<ActionResult<T>>> action,
        Action<T, CliOutput> human, CancellationToken cancellationToken, Func<T, int>? exitCode = null)
        => RunAsync(parse, async output =>
        {
            var settings = CliSettings.Resolve(parse, Options, _environment);
            var environment = PasswordSource(settings, output);
            var connected = await ActionContext.ConnectAsync(settings.Chain, settings.Transactions, needsKey, output, cancellationToken, environment).ConfigureAwait(false);
            if (!connected.IsSuccess)
            {
                return Fail(connected.Error, output);
            }

            var result = await action(connected.Value, cancellationToken).ConfigureAwait(false);
            return Print(result, output, human, exitCode);
        });

    /// <summary>Runs an action that needs no chain (keys, a deployment's own connection).</summary>
    public Task<int> LocalAsync<T>(ParseResult parse, Func<CliOutput, CliSettings, Task<ActionResult<T>>> action, Action<T, CliOutput> human, Func<T, int>? exitCode = null)
        => RunAsync(parse, async output =>
        {
            var settings = CliSettings.Resolve(parse, Options, _environment);
            return Print(await action(output, settings).ConfigureAwait(false), output, human, exitCode);
        });

    /// <summary>
    /// A password for <paramref name="keystore"/>: the password file's first line, else ORACLE_KEYSTORE_PASSWORD, else a
    /// prompt when a person is at the terminal.
    /// </summary>
    public string ReadPassword(string? passwordFile, string keystore, CliOutput output, bool confirm = false)
    {
        if (passwordFile is not null)
        {
            if (!File.Exists(passwordFile))
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.Key, $"password file {passwordFile} does not exist"));
            }

            return File.ReadAllText(passwordFile).Split('\n')[0].TrimEnd('\r');
        }

        if (_environment(KeyStoreFile.PasswordVariable) is { } variable)
        {
            return variable;
        }

        if (!_interactive)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.Key,
                $"no password for {keystore}: give --password-file or set {KeyStoreFile.PasswordVariable}"));
        }

        var password = Prompt($"password for {keystore}: ", output);
        if (confirm && Prompt("the same password again: ", output) != password)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "the two passwords differ"));
        }

        return password;
    }

    private Func<string, string?> PasswordSource(CliSettings settings, CliOutput output)
    {
        if (string.IsNullOrWhiteSpace(settings.Chain.Keystore) || !string.IsNullOrWhiteSpace(settings.Chain.PasswordFile)
            || _environment(KeyStoreFile.PasswordVariable) is not null || !_interactive)
        {
            return _environment;
        }

        string? prompted = null;
        return name => name == KeyStoreFile.PasswordVariable ? prompted ??= Prompt($"password for {settings.Chain.Keystore}: ", output) : _environment(name);
    }

    private static string Prompt(string prompt, CliOutput output)
    {
        output.Error.Write(prompt);
        var password = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        output.Error.WriteLine();
        return password.ToString();
    }

    private static int Print<T>(ActionResult<T> result, CliOutput output, Action<T, CliOutput> human, Func<T, int>? exitCode)
    {
        if (!result.IsSuccess)
        {
            output.Failure(result.Error);
            return ExitCodes.For(result.Error.Kind);
        }

        output.Result(result.Value, human);
        return exitCode?.Invoke(result.Value) ?? ExitCodes.Success;
    }

    private async Task<int> RunAsync(ParseResult parse, Func<CliOutput, Task<int>> body)
    {
        var configuration = parse.InvocationConfiguration;
        using var output = new CliOutput(configuration.Output, configuration.Error, parse.GetValue(Options.Json),
            _interactive && ReferenceEquals(configuration.Error, Console.Error));
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (ActionFailedException e)
        {
            return Fail(e.Error, output);
        }
        catch (OperationCanceledException)
        {
            output.Failure(new ActionError(ActionErrorKind.Refused, "interrupted; a transaction already sent may still be mined (check with a show command)"));
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // A bug, or a failure nobody foresaw: one line, no stack trace unless asked for.
            output.Error.WriteLine($"oracle: internal error: {e.GetType().Name}: {e.Message} (a bug: please report it{(_environment("ORACLE_DEBUG") is null ? "; ORACLE_DEBUG=1 shows where" : "")})");
            if (_environment("ORACLE_DEBUG") is not null)
            {
                output.Error.WriteLine(e.ToString());
            }

            return ExitCodes.Internal;
        }
    }

    private static int Fail(ActionError error, CliOutput output)
    {
        output.Failure(error);
        return ExitCodes.For(error.Kind);
    }
}

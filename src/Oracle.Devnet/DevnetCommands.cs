using System.CommandLine;
using System.Diagnostics;
using Oracle.Devnet.Runtime;
using Spectre.Console;

namespace Oracle.Devnet;

/// <summary>The <c>devnet</c> command and its <c>up</c>, <c>down</c> and <c>status</c> subcommands.</summary>
internal static class DevnetCommands
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "The devnet's data folder (default: one per checkout under the temp folder)",
        };
        var detach = new Option<bool>("--detach")
        {
            Description = "Return once the network is up and leave it running (stop it with `devnet down`)",
        };
        var noServices = new Option<bool>("--no-services")
        {
            Description = "Start the chain, PostgreSQL and RabbitMQ and deploy the contracts, but not the Oracle services",
        };
        var chainId = new Option<ulong>("--chain-id")
        {
            Description = "The local chain's id: 31337 (default) or 1337",
            DefaultValueFactory = _ => 31337,
        };
        chainId.Validators.Add(r =>
        {
            if (!Oracle.Chain.Keys.DevelopmentKeys.IsLocal(r.GetValueOrDefault<ulong>()))
            {
                r.AddError("--chain-id must be a local chain id: 31337 or 1337");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the state as JSON" };

        var up = new Command("up", "Start the chain, PostgreSQL and RabbitMQ, deploy the contracts and start the services") { dataDir, detach, noServices, chainId };
        // Only the checkout's default devnet writes deployments/devnet.json; one in another folder (a test's) must not.
        up.SetAction((parse, ct) => UpAsync(DataDirectory(parse.GetValue(dataDir)), parse.GetValue(detach), !parse.GetValue(noServices), parse.GetValue(dataDir) is null,
            parse.GetValue(chainId), ct));

        var down = new Command("down", "Stop every process the devnet started and remove its data folder") { dataDir };
        down.SetAction((parse, ct) => DownAsync(DataDirectory(parse.GetValue(dataDir)), ct));

        var status = new Command("status", "Show the devnet's endpoints and processes") { dataDir, json };
        status.SetAction(parse => Status(DataDirectory(parse.GetValue(dataDir)), parse.GetValue(json)));

        var address = new Argument<string>("address") { Description = "The account to fund" };
        var eth = new Option<string>("--eth") { Description = "ETH to send", DefaultValueFactory = _ => "10" };
        var wbtc = new Option<string>("--wbtc") { Description = "Wrapped BTC to mint", DefaultValueFactory = _ => "0" };
        var fund = new Command("fund", "Send ETH and mint wrapped BTC to an account on the devnet's chain (a faucet for new keys)") { address, eth, wbtc, dataDir };
        fund.SetAction((parse, ct) => FundAsync(DataDirectory(parse.GetValue(dataDir)), parse.GetValue(address)!, parse.GetValue(eth)!, parse.GetValue(wbtc)!, ct));

        var session = new Command("session", "Open another session of the devnet's client with the devnet's provider and write its client configuration") { dataDir };
        session.SetAction((parse, ct) => SessionAsync(DataDirectory(parse.GetValue(dataDir)), ct));

        return new Command("devnet", "The local network: a Hardhat chain, PostgreSQL, RabbitMQ, the contracts and the services")
        {
            up,
            down,
            status,
            session,
            fund,
            PlayCommand.Create(dataDir),
            HelperCommand(),
        };
    }

    // The devnet's own network helper (relays to the chain and broker for the provider's namespace, the web server of the
    // devnet's internet): started and stopped by `up`/`down`, not by people.
    private static Command HelperCommand()
    {
        var relay = new Option<string[]>("--relay") { Description = "LISTEN=TARGET (address:port each)", AllowMultipleArgumentsPerToken = false };
        var allow = new Option<string>("--allow") { Description = "The only address (or prefix) the relays answer", Required = true };
        var webNamespace = new Option<string?>("--web-namespace") { Description = "The network namespace of the web server" };
        var web = new Option<string?>("--web") { Description = "address:port of the web server" };
        var serve = new Option<string[]>("--serve") { Description = "NAMESPACE@ADDRESS:PORT of a further web server", AllowMultipleArgumentsPerToken = false };
        var helper = new Command("helper", "The devnet's network helper (started by up)") { relay, allow, webNamespace, web, serve };
        helper.Hidden = true;
        helper.SetAction((parse, ct) =>
        {
            var webs = (parse.GetValue(serve) ?? []).Select(s => s.Split('@')).Select(p => (p[0], System.Net.IPEndPoint.Parse(p[1]))).ToList();
            if (parse.GetValue(webNamespace) is { } ns && parse.GetValue(web) is { } w)
            {
                webs.Add((ns, System.Net.IPEndPoint.Parse(w)));
            }

            return NetworkHelper.RunAsync(
                [.. (parse.GetValue(relay) ?? []).Select(r => r.Split('=')).Select(p => (System.Net.IPEndPoint.Parse(p[0]), System.Net.IPEndPoint.Parse(p[1])))],
                Oracle.Core.Policy.IpPrefix.Parse(parse.GetValue(allow)!), webs, ct);
        });
        return helper;
    }

    private static async Task<int> SessionAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        try
        {
            var (session, config) = await LocalNetwork.OpenClientSessionAsync(dataDirectory, cancellationToken);
            AnsiConsole.MarkupLine($"session {session} opened for the devnet client; connect with");
            AnsiConsole.MarkupLine($"  [bold]dotnet {Markup.Escape(RepositoryLayout.Find().ServiceAssembly("VpnGateway", "vpngateway") ?? "vpngateway.dll")} connect --config {Markup.Escape(config)}[/]");
            return 0;
        }
        catch (LocalServiceException e)
        {
            Console.Error.WriteLine($"devnet: {e.Message}");
            return 1;
        }
    }

    private static async Task<int> FundAsync(string dataDirectory, string addressText, string ethText, string wbtcText, CancellationToken cancellationToken)
    {
        if (!Oracle.Actions.Units.Addresses.TryParse(addressText, out var address, out var error)
            || !Oracle.Actions.Units.TokenAmount.TryParse(ethText, Oracle.Actions.Units.Asset.Eth, out var eth, out error)
            || !Oracle.Actions.Units.TokenAmount.TryParse(wbtcText, Oracle.Actions.Units.Asset.WrappedBtc, out var wbtc, out error))
        {
            Console.Error.WriteLine($"devnet: {error}");
            return 2;
        }

        try
        {
            await DevnetFaucet.FundAsync(dataDirectory, address, eth.BaseUnits, wbtc.BaseUnits, cancellationToken);
        }
        catch (Exception e) when (e is LocalServiceException or InvalidOperationException || Oracle.Chain.Errors.ChainErrors.IsUnavailable(e))
        {
            Console.Error.WriteLine($"devnet: {e.Message}");
            return 1;
        }

        Console.WriteLine($"sent {eth} and {wbtc} to {address}");
        return 0;
    }

    private static string DataDirectory(string? option)
        => Path.GetFullPath(option ?? LocalNetworkOptions.DefaultDataDirectory(RepositoryLayout.Find()));

    private static async Task<int> UpAsync(string dataDirectory, bool detach, bool startServices, bool writeRepositoryManifest, ulong chainId, CancellationToken cancellationToken)
    {
        var repository = RepositoryLayout.Find();
        var missing = Prerequisites.Missing(repository);
        if (missing.Count > 0)
        {
            foreach (var line in missing)
            {
                Console.Error.WriteLine($"devnet: {line}");
            }

            return 2;
        }

        var watch = Stopwatch.StartNew();
        var progress = new SynchronousProgress(line => AnsiConsole.MarkupLine($"[grey][[{watch.Elapsed.TotalSeconds,5:0.0}s]][/] {Markup.Escape(line)}"));
        LocalNetwork network;
        try
        {
            network = await LocalNetwork.UpAsync(new LocalNetworkOptions
            {
                DataDirectory = dataDirectory,
                Repository = repository,
                StartServices = startServices,
                WriteRepositoryManifest = writeRepositoryManifest,
                ChainId = chainId,
            }, progress, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("devnet: interrupted; everything started was stopped and the data folder removed");
            return 130;
        }
        catch (Exception e) when (e is LocalServiceException or DevnetAlreadyRunningException)
        {
            Console.Error.WriteLine($"devnet: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // Anything else is a bug or an environment we did not foresee: say what, with where, and fail.
            Console.Error.WriteLine($"devnet: failed: {e}");
            return 1;
        }

        PrintEndpoints(network.State);
        AnsiConsole.MarkupLine($"[green]devnet up in {watch.Elapsed.TotalSeconds:0.0} s[/] (data folder {Markup.Escape(dataDirectory)})");
        if (detach)
        {
            AnsiConsole.MarkupLine("running in the background; stop it with [bold]./oracle devnet down[/]");
            return 0;
        }

        AnsiConsole.MarkupLine("press [bold]Ctrl-C[/] to stop it");
        try
        {
            await WaitForFailureAsync(network, cancellationToken);
            Console.Error.WriteLine("devnet: a process of the network exited unexpectedly; stopping the rest");
            await network.DisposeAsync();
            return 1;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("stopping...");
            await network.DisposeAsync();
            AnsiConsole.MarkupLine($"[green]devnet stopped[/]: every process it started has exited and {Markup.Escape(dataDirectory)} is removed");
            return 0;
        }
    }

    private static async Task WaitForFailureAsync(LocalNetwork network, CancellationToken cancellationToken)
    {
        while (network.State.Processes.All(p => p.Process.IsAlive()))
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    private static async Task<int> DownAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var progress = new SynchronousProgress(line => AnsiConsole.MarkupLine(Markup.Escape(line)));
        if (!await LocalNetwork.DownAsync(dataDirectory, progress, cancellationToken))
        {
            AnsiConsole.MarkupLine($"no devnet in {Markup.Escape(dataDirectory)}");
            return 0;
        }

        AnsiConsole.MarkupLine("[green]devnet stopped[/]");
        return 0;
    }

    private static int Status(string dataDirectory, bool json)
    {
        var state = DevnetState.Read(dataDirectory);
        if (state is null)
        {
            if (json)
            {
                Console.WriteLine("null");
            }
            else
            {
                AnsiConsole.MarkupLine($"no devnet in {Markup.Escape(dataDirectory)}");
            }

            return 3;
        }

        if (json)
        {
            Console.WriteLine(state.ToJson());
            return 0;
        }

        PrintEndpoints(state);
        var processes = new Table().AddColumns("process", "pid", "state", "log");
        foreach (var p in state.Processes)
        {
            processes.AddRow(p.Process.Name, p.Process.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                p.Process.IsAlive() ? "[green]running[/]" : "[red]gone[/]", Markup.Escape(p.Log));
        }

        AnsiConsole.Write(processes);
        return state.Processes.All(p => p.Process.IsAlive()) ? 0 : 1;
    }

    private static void PrintEndpoints(DevnetState state)
    {
        var table = new Table().AddColumns("what", "where");
        table.AddRow("chain (JSON-RPC)", Markup.Escape(state.RpcUrl ?? "-"));
        table.AddRow("PostgreSQL", Markup.Escape(state.Postgres ?? "-"));
        table.AddRow("RabbitMQ (AMQP)", Markup.Escape(state.AmqpUrl ?? "-"));
        table.AddRow("contracts manifest", Markup.Escape(state.RepositoryManifest ?? state.Manifest ?? "-"));
        table.AddRow("keystores", Markup.Escape(state.PasswordFile is null ? "-" : Path.GetDirectoryName(state.PasswordFile)!));
        if (state.Exit is { } exit)
        {
            table.AddRow("VPN provider (exit on)", Markup.Escape($"{exit.Endpoint} in namespace {state.Namespaces.FirstOrDefault()}"));
            table.AddRow("devnet internet (through the exit)", Markup.Escape($"{exit.Internet}, web page {exit.Web}"));
            table.AddRow("client config (open session)", Markup.Escape(exit.ClientConfig ?? "-"));
        }

        foreach (var (name, url) in state.Services)
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(url));
        }

        AnsiConsole.Write(table);
    }

    // Progress<T> posts to the thread pool, so lines could arrive out of order; this one reports at once.
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        private readonly Lock _lock = new();

        public void Report(string value)
        {
            lock (_lock)
            {
                report(value);
            }
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nethereum.Signer;
using Oracle.Actions;
using Oracle.Chain;
using Oracle.Chain.Keys;
using Oracle.Chain.Transactions;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// Everything the main job's steps share: the devnet, the scenario's network namespaces, its people with their keys
/// and actions, the processes it started (adopted by the devnet, so they stop with it), and what each step found.
/// </summary>
public sealed class ScenarioWorld
{
    private readonly Dictionary<string, ScenarioActor> _actors = new(StringComparer.Ordinal);

    internal ScenarioWorld(MainJobOptions options, IScenarioReporter reporter)
    {
        Options = options;
        Reporter = reporter;
        Folder = Path.Combine(options.DataDirectory, "main-job");
    }

    /// <summary>The options.</summary>
    public MainJobOptions Options { get; }

    /// <summary>Where progress goes.</summary>
    public IScenarioReporter Reporter { get; }

    /// <summary>The main job's own folder inside the devnet's (configurations, keys, logs).</summary>
    public string Folder { get; }

    /// <summary>The devnet (chain, PostgreSQL, RabbitMQ, contracts).</summary>
    public LocalNetwork Network { get; internal set; } = null!;

    /// <summary>The namespaces (null until created).</summary>
    public ScenarioTopology? Topology { get; internal set; }

    /// <summary>The password of every keystore of the main job (throwaway keys in a throwaway folder).</summary>
    public string PasswordFile { get; internal set; } = "";

    /// <summary>The people, by name.</summary>
    public IReadOnlyDictionary<string, ScenarioActor> Actors => _actors;

    /// <summary>What the steps found, for later steps and the summary.</summary>
    public ScenarioFacts Facts { get; } = new();

    /// <summary>The chain as the namespaces reach it (the relay on the bridge).</summary>
    public string NamespaceRpcUrl => new UriBuilder(Network.Chain.RpcUrl) { Host = Topology!.RootAddress }.Uri.ToString().TrimEnd('/');

    /// <summary>The broker as the namespaces reach it.</summary>
    public string NamespaceAmqpUrl => new UriBuilder(Network.Bus.AmqpUrl) { Host = Topology!.RootAddress }.Uri.ToString();

    /// <summary>The name of the actor or contract at <paramref name="address"/>, else the address shortened.</summary>
    public string NameOf(string address)
    {
        foreach (var actor in _actors.Values)
        {
            if (string.Equals(actor.Address, address, StringComparison.OrdinalIgnoreCase))
            {
                return actor.Name;
            }
        }

        return address.Length > 10 ? address[..10] + "…" : address;
    }

    /// <summary>The actor called <paramref name="name"/>.</summary>
    public ScenarioActor Actor(string name) => _actors[name];

    /// <summary>
    /// A new person: a fresh key in a keystore, ETH (and wrapped BTC) from the devnet's faucet, and its actions on the
    /// chain with that key, as <c>oracle --keystore</c> would have.
    /// </summary>
    public async Task<ScenarioActor> NewActorAsync(string name, decimal eth, decimal wrappedBtc, CancellationToken cancellationToken)
    {
        var key = EthECKey.GenerateKey();
        var keystore = Path.Combine(Folder, "keys", name.Replace(' ', '-') + ".json");
        KeyStoreFile.Create(keystore, key, (await File.ReadAllLinesAsync(PasswordFile, cancellationToken))[0], KeyStoreCost.Light);
        await DevnetFaucet.FundAsync(Options.DataDirectory, key.GetPublicAddress(), Nethereum.Web3.Web3.Convert.ToWei(eth),
            new System.Numerics.BigInteger(wrappedBtc * 100_000_000m), cancellationToken);
        var actions = await ActionContext.ConnectAsync(
            new ChainOptions { RpcUrl = Network.Chain.RpcUrl, Manifest = Network.ManifestPath, Keystore = keystore, PasswordFile = PasswordFile },
            new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(200) }, requireKey: true, progress: new ReporterProgress(Reporter),
            cancellationToken: cancellationToken);
        var actor = new ScenarioActor(name, key, keystore, actions.GetValueOrThrow());
        lock (_actors)
        {
            _actors[name] = actor;
        }

        return actor;
    }

    /// <summary>
    /// A person whose key is in an existing keystore (the devnet's oracle operators have the development keys, funded by
    /// the chain's genesis), with its actions on the chain.
    /// </summary>
    public async Task<ScenarioActor> ActorFromKeystoreAsync(string name, string keystore, string passwordFile, CancellationToken cancellationToken)
    {
        var key = KeyStoreFile.LoadWithPasswordFile(keystore, passwordFile);
        var actions = await ActionContext.ConnectAsync(
            new ChainOptions { RpcUrl = Network.Chain.RpcUrl, Manifest = Network.ManifestPath, Keystore = keystore, PasswordFile = passwordFile },
            new TransactionSenderOptions { PollInterval = TimeSpan.FromMilliseconds(200) }, requireKey: true, progress: new ReporterProgress(Reporter),
            cancellationToken: cancellationToken);
        var actor = new ScenarioActor(name, key, keystore, actions.GetValueOrThrow());
        lock (_actors)
        {
            _actors[name] = actor;
        }

        return actor;
    }

    /// <summary>The evidence collector (null until started).</summary>
    public ServiceProcess? Collector { get; internal set; }

    /// <summary>The Arbitration API with its dashboard (null until started).</summary>
    public ServiceProcess? Api { get; internal set; }

    /// <summary>The oracle nodes, by operator name.</summary>
    public Dictionary<string, ServiceProcess> OracleNodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Sends a JSON-RPC request to the chain (the devnet's clock: evm_increaseTime, evm_mine).</summary>
    public async Task RpcAsync(string method, params object[] parameters)
    {
        var web3 = Oracle.Chain.ChainConnection.ReadOnly(Network.Chain.RpcUrl);
        await web3.Client.SendRequestAsync(new Nethereum.JsonRpc.Client.RpcRequest(Guid.NewGuid().ToString(), method, parameters));
    }

    /// <summary>The timestamp of the chain's latest block.</summary>
    public async Task<ulong> ChainTimeAsync(CancellationToken cancellationToken)
    {
        var web3 = Oracle.Chain.ChainConnection.ReadOnly(Network.Chain.RpcUrl);
        var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()).WaitAsync(cancellationToken);
        return (ulong)block.Timestamp.Value;
    }

    /// <summary>
    /// Moves the devnet's clock to <paramref name="unixTime"/> (if it is behind) and mines a block there: the main job's
    /// dispute phases last a minute, and it skips what would only be waiting.
    /// </summary>
    public async Task AdvanceClockToAsync(ulong unixTime, CancellationToken cancellationToken)
    {
        var now = await ChainTimeAsync(cancellationToken);
        if (unixTime > now)
        {
            await RpcAsync("evm_increaseTime", (long)(unixTime - now));
        }

        await RpcAsync("evm_mine");
    }

    /// <summary>Starts <paramref name="service"/> as part of the devnet (stopped with it, recorded for <c>down</c>).</summary>
    public async Task StartAsync(LocalService service, CancellationToken cancellationToken)
    {
        Network.Adopt(service);
        await service.StartAsync(cancellationToken);
    }

    /// <summary>Runs a short command inside a namespace; its output, or a failure naming the command.</summary>
    public async Task<(int ExitCode, string Output)> RunInAsync(string networkNamespace, TimeSpan timeout, params string[] command)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", networkNamespace, .. command])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new ScenarioStepException($"cannot start {command[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, await stdout + await stderr + $"\n(stopped after {timeout.TotalSeconds:0} s)");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON to <paramref name="name"/> in the main job's folder.</summary>
    public async Task<string> WriteJsonAsync(string name, object value, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return path;
    }

    /// <summary>A duration for messages.</summary>
    internal static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    // Transactions of the actions, as detail lines of the running step.
    private sealed class ReporterProgress(IScenarioReporter reporter) : IActionProgress
    {
        // Quotes and waits: the transaction lines say what was done.
        public void Info(string message)
        {
        }

        public void TransactionStarted(string description)
        {
        }

        public void TransactionFinished(string description, Nethereum.RPC.Eth.DTOs.TransactionReceipt? receipt)
        {
            if (receipt is not null)
            {
                reporter.Detail($"{description} (block {receipt.BlockNumber.Value})");
            }
        }
    }
}

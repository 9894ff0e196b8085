using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Keys;
using Oracle.Core.Policy;
using Oracle.Devnet.Runtime;
using Oracle.Testing;
using VpnGateway.Crypto;
using VpnGateway.Tests.Providers;

namespace Oracle.ScaleBench;

/// <summary>
/// The chain of bench/rpc-delay.sh: a Hardhat node of its own (free port, own folder, stopped by PID), the network
/// deployed on it, a provider registered with the gateway's tunnel key (its Ethereum key as <c>provider.eth</c>, a
/// keystore), <c>--count</c> sessions opened with it by as many fresh client accounts (<c>keys.txt</c>: session id,
/// tunnel private key and Ethereum private key per line, for the swarm), the manifest (<c>network.json</c>), the
/// default exit policy the sessions agreed to (<c>policy.json</c>), and in front of the node a TCP proxy on 127.0.0.1
/// that holds every request <c>--delay-ms</c> before it goes on (Oracle.Testing's TcpProxy). Prints one JSON line
/// (the proxy's URL, chain id, SessionManager) once ready, then keeps the node and the proxy up until SIGTERM or SIGINT;
/// SIGHUP turns the delay off (a same-run baseline).
/// </summary>
internal static class ChainCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var folder = args.String("out");
        var count = (int)args.Long("count", 100);
        var delay = TimeSpan.FromMilliseconds(args.Long("delay-ms", 500));
        var tunnelKey = Convert.FromBase64String(args.String("provider-key"));
        var endpoint = args.String("endpoint");
        var password = Environment.GetEnvironmentVariable(KeyStoreFile.PasswordVariable)
            ?? throw new InvalidOperationException($"set {KeyStoreFile.PasswordVariable}");
        Directory.CreateDirectory(folder);

        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        // SIGHUP: the proxy stops delaying (the benchmark's same-run baseline after the delayed phases).
        TcpProxy? delaying = null;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c =>
        {
            c.Cancel = true;
            if (delaying is not null)
            {
                delaying.Delay = TimeSpan.Zero;
                Console.Error.WriteLine("delay off");
            }
        });

        await using var node = new HardhatNode(Path.Combine(folder, "hardhat"), RepositoryLayout.Find().ContractsDirectory);
        await node.StartAsync(stop.Token);
        var chain = await ChainFixture.ForAsync(node.RpcUrl);
        var network = await ChainSessions.DeployAsync(chain);
        var provider = await network.RegisterProviderAsync(tunnelKey, endpoint, 1000);
        KeyStoreFile.Create(Path.Combine(folder, "provider.eth"), provider, password, KeyStoreCost.Light);
        await File.WriteAllBytesAsync(Path.Combine(folder, "policy.json"), PolicyDocument.DefaultExit.CanonicalJson.ToArray(), stop.Token);

        // Opened a few at a time (each client buys its tokens, approves and opens: a handful of transactions).
        var lines = new string[count];
        using var slots = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await slots.WaitAsync(stop.Token);
            try
            {
                var (client, id) = await OpenSessionAsync(network, provider.GetPublicAddress());
                using var key = TunnelKeyPair.Generate();
                lines[i] = string.Create(CultureInfo.InvariantCulture, $"{id} {Convert.ToBase64String(key.ExportPrivateKey())} {client.GetPrivateKeyAsBytes().ToHex(true)}");
            }
            finally
            {
                slots.Release();
            }
        }));
        await File.WriteAllLinesAsync(Path.Combine(folder, "keys.txt"), lines.OrderBy(l => ulong.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)), stop.Token);

        await using var proxy = new TcpProxy(node.RpcUrl) { Delay = delay };
        proxy.Start();
        delaying = proxy;
        (network.Manifest with { RpcUrl = proxy.Url }).Save(Path.Combine(folder, "network.json"));
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            rpc_url = proxy.Url,
            node_url = node.RpcUrl,
            chain_id = (long)chain.ChainId,
            session_manager = network.SessionManager,
            provider = provider.GetPublicAddress(),
            sessions = count,
            rpc_delay_ms = (long)delay.TotalMilliseconds,
        }));
        await Console.Out.FlushAsync(stop.Token);
        await Console.Error.WriteLineAsync("ready");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"proxied {proxy.Connections} connections; stopping the node"));
        return 0;
    }

    // As ChainSessions.OpenSessionAsync, with the session id read from the receipt's SessionOpened event (its
    // nextSessionId - 1 is another client's id when sessions are opened concurrently).
    private static async Task<(EthECKey Client, ulong SessionId)> OpenSessionAsync(ChainSessions network, string provider)
    {
        var client = await network.Network.NewActorAsync(vpn: 10);
        await client.Token.ApproveAsync(network.SessionManager, 5 * ChainSessions.Token);
        var receipt = await client.Sessions.OpenSessionAsync(new OpenParams
        {
            Provider = provider,
            Deposit = 5 * ChainSessions.Token,
            PricePerMiB = 1000,
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            Penalty = 0,
            CommitteeSize = 3,
        });
        return (client.Key, receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event.SessionId);
    }
}

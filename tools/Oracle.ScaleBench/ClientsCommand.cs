using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VpnGateway.Crypto;
using VpnGateway.Network;
using VpnGateway.Transport;
using VpnGateway.Tun;
using VpnGateway.Tunnel;

namespace Oracle.ScaleBench;

/// <summary>
/// Many real gateway clients in one process (for throughput with many sessions on a 2-core machine, where a .NET process
/// per client does not fit): one <see cref="GatewayClient"/> per session — the same engine as <c>vpngateway connect</c>,
/// with its own UDP socket, its own TUN device (<c>--pattern</c>) and its own workers — without routes: the benchmark
/// routes each client's tunnel address into its device by policy routing. Prints one JSON line per connected client
/// (session, device, tunnel address), "connected N" on stderr, then holds the sessions until SIGTERM.
/// </summary>
internal static class ClientsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var lines = await File.ReadAllLinesAsync(args.String("keys"));
        var count = (int)Math.Min(args.Long("count", lines.Length), lines.Length);
        var providerKey = Convert.FromBase64String(args.String("provider-key"));
        var provider = IPEndPoint.Parse(args.String("endpoint"));
        var pattern = args.String("pattern", "swc%d");
        using var stop = new CancellationTokenSource();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var clients = new List<GatewayClient>(count);
        using var slots = new SemaphoreSlim(8, 8);
        var connects = lines.Take(count).Select(async line =>
        {
            var parts = line.Split(' ');
            var sessionId = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
            var key = TunnelKeyPair.FromPrivateKey(Convert.FromBase64String(parts[1]));
            var transport = LinuxUdpTransport.Open(new IPEndPoint(IPAddress.Any, 0));
            var services = new EngineServices(transport, new LinuxTunFactory(offloads: true),
                new LinuxNetworkConfigurator(loggerFactory.CreateLogger<LinuxNetworkConfigurator>()), TimeProvider.System, loggerFactory, new NoDenials(), []);
            var client = new GatewayClient(services, new TunnelOptions(), new ClientOptions
            {
                TunnelKey = key,
                ProviderKey = providerKey,
                ProviderEndpoint = provider,
                SessionId = sessionId,
                Routes = [],
                InterfacePattern = pattern,
                LocalNetworks = [],
            });
            lock (clients)
            {
                clients.Add(client);
            }

            await slots.WaitAsync(stop.Token);
            try
            {
                await client.ConnectAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(60), stop.Token);
            }
            finally
            {
                slots.Release();
            }

            var address = client.SessionInfo?.ClientPrefixes.FirstOrDefault()?.Split('/')[0];
            var json = JsonSerializer.Serialize(new { session = sessionId, device = client.DeviceName, address });
            lock (clients)
            {
                Console.WriteLine(json);
            }

            return true;
        }).ToList();
        var connected = 0;
        foreach (var connect in connects)
        {
            try
            {
                connected += await connect ? 1 : 0;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await Console.Error.WriteLineAsync($"a client did not connect: {e.Message}");
            }
        }

        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"connected {connected}"));
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        return connected == count ? 0 : 1;
    }
}

using System.Runtime.InteropServices;
using System.Text.Json;
using VpnGateway.Metering;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Spool;

namespace Oracle.MeteringBench;

/// <summary>
/// Meters a live interface exactly as the provider's gateway does (capture, flow table, epochs, signed checkpoints,
/// spool) until <c>--seconds</c> pass or SIGTERM/SIGINT, then prints the capture's statistics. Run it inside the
/// namespace of the interface (<c>ip netns exec</c>).
/// </summary>
internal static class CaptureCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var interfaceName = args.String("interface");
        var seconds = args.Long("seconds", 30);
        var folder = Directory.CreateTempSubdirectory("metering-capture-").FullName;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var loggers = Benchmarks.Loggers();
        using var metrics = new MeteringMetrics();
        try
        {
            using var spool = EvidenceSpool.Open(Path.Combine(folder, "spool.db"));
            var options = new MeteringOptions();
            var context = Benchmarks.Context(options, spool, Benchmarks.GatewayKey, metrics, loggers);
            var session = Benchmarks.Session(1, interfaceName, args.String("client"));
            var meter = await ProviderSessionMeter.StartAsync(session, new NullChannel(), context, CancellationToken.None);
            Console.WriteLine($"capturing {interfaceName}");
            await Console.Out.FlushAsync();
            try
            {
                using var timer = new PeriodicTimer(options.SweepInterval);
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    await meter.TickAsync(CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                // Time is up or we were asked to stop.
            }

            await meter.CloseAsync(sessionEnded: true, CancellationToken.None);
            var (received, dropped, interfaceDropped) = Capture(meter);
            await meter.DisposeAsync();
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["interface"] = interfaceName,
                ["packets_metered"] = meter.Flows.Packets,
                ["capture_received"] = received,
                ["capture_dropped"] = dropped,
                ["interface_dropped"] = interfaceDropped,
                ["capture_drop_pct"] = received + dropped == 0 ? 0 : Math.Round(100.0 * dropped / (received + dropped), 4),
                ["records"] = metrics.Count(MeteringCounters.Records),
                ["checkpoints"] = metrics.Count(MeteringCounters.Checkpoints),
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (ulong Received, ulong Dropped, ulong InterfaceDropped) Capture(ProviderSessionMeter meter)
        => meter.CaptureStatistics is { } s ? (s.Received, s.Dropped, s.InterfaceDropped) : (0, 0, 0);
}

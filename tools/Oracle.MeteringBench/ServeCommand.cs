using System.Globalization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oracle.Hosting;
using VpnGateway.Metering;
using VpnGateway.Metering.Flows;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Publishing;
using VpnGateway.Metering.Spool;

namespace Oracle.MeteringBench;

/// <summary>
/// The provider side of a session as a process of its own, for crash tests: synthetic traffic (from 198.18.0.2 to
/// 198.19.0.0/16, never sent anywhere) feeds the session's flow meter, every epoch a signed checkpoint is spooled and
/// the spool is published to RabbitMQ. It prints <c>resumed &lt;tree size&gt;</c> at start, <c>checkpoint &lt;tree
/// size&gt;</c> per checkpoint, and after <c>--stop-after</c> checkpoints closes the session's open flows into a last
/// checkpoint, drains the spool (every batch acknowledged by the consumer) and prints <c>done &lt;tree size&gt;</c>. Killed
/// at any point, a new run with the same spool continues the session's log and publishes what the killed one had spooled.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var sessionId = (ulong)args.Long("session", 1);
        var stopAfter = args.Long("stop-after", long.MaxValue);
        var options = new MeteringOptions
        {
            EpochInterval = TimeSpan.FromMilliseconds(args.Long("epoch-ms", 1000)),
            SweepInterval = TimeSpan.FromMilliseconds(100),
            VoucherGrace = TimeSpan.FromMilliseconds(args.Long("voucher-grace-ms", 500)),
            RetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            PublishTimeout = TimeSpan.FromSeconds(5),
            AcknowledgementTimeout = TimeSpan.FromMilliseconds(args.Long("ack-timeout-ms", 3000)),
            MaxAcknowledgementTimeout = TimeSpan.FromSeconds(10),
            Flows = new FlowTableOptions { IdleTimeout = TimeSpan.FromMilliseconds(300), ActiveTimeout = TimeSpan.FromSeconds(5) },
        };

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Bus:Url"] = args.String("amqp");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.AddOracleBus();
        using var host = builder.Build();
        await host.StartAsync();

        using var metrics = new MeteringMetrics();
        using var spool = EvidenceSpool.Open(args.String("spool"));
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();
        var context = Benchmarks.Context(options, spool, Benchmarks.GatewayKey, metrics, loggers);
        // The acknowledgement queue is named after the spool, so a restarted process gets the answers meant for the killed one.
        var bus = new MassTransitEvidenceBus(host.Services.GetRequiredService<IBus>(), $"evidence-acks-{spool.Id:N}");
        using var publisher = new EvidencePublisher(spool, bus, options, metrics, TimeProvider.System, loggers.CreateLogger<EvidencePublisher>());
        await publisher.ListenAsync(CancellationToken.None);
        await publisher.StartAsync(CancellationToken.None);

        var meter = await ProviderSessionMeter.StartAsync(Benchmarks.Session(sessionId, null, "198.18.0.2/32"), new NullChannel(), context, CancellationToken.None);
        Print($"resumed {meter.TreeSize}");
        var traffic = new SyntheticTraffic(meter.Flows);
        var size = meter.TreeSize;
        for (long checkpoints = 0; checkpoints < stopAfter;)
        {
            await Task.Delay(options.SweepInterval);
            await meter.TickAsync(CancellationToken.None);
            if (meter.TreeSize != size)
            {
                size = meter.TreeSize;
                checkpoints++;
                Print($"checkpoint {size}");
            }
        }

        traffic.Dispose();
        await meter.CloseAsync(sessionEnded: false, CancellationToken.None);
        Print($"closed {meter.TreeSize}");
        for (var i = 0; spool.Pending > 0 && i < 600; i++)
        {
            await Task.Delay(100);
        }

        await publisher.StopAsync(CancellationToken.None);
        await meter.DisposeAsync();
        await host.StopAsync();
        Print($"done {meter.TreeSize} pending {spool.Pending}");
        return spool.Pending == 0 ? 0 : 1;
    }

    private static void Print(string line)
    {
        Console.WriteLine(line);
        Console.Out.Flush();
    }

    /// <summary>Packets of short UDP and TCP flows, fed straight to the flow meter on a thread of their own.</summary>
    private sealed class SyntheticTraffic : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public SyntheticTraffic(SessionFlowMeter flows)
        {
            _thread = new Thread(() => Run(flows, _stop.Token)) { IsBackground = true, Name = "synthetic traffic" };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }

        private static void Run(SessionFlowMeter flows, CancellationToken stop)
        {
            var packet = new byte[28 + 512];
            packet[0] = 0x45;
            packet[9] = 17;
            packet[12] = 198;
            packet[13] = 18;
            packet[15] = 2;
            packet[16] = 198;
            packet[17] = 19;
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var flow = n / 20;
                packet[18] = (byte)(flow >> 8);
                packet[19] = (byte)flow;
                packet[20] = (byte)(10 + (flow % 50));
                packet[21] = (byte)flow;
                packet[23] = 53;
                packet[2] = (byte)(packet.Length >> 8);
                packet[3] = (byte)packet.Length;
                flows.OnForwarded(packet, packet.Length, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                if (n % 50 == 0)
                {
                    Thread.Sleep(5);
                }
            }
        }
    }
}

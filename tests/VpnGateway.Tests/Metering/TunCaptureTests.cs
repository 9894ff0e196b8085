using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Tests.Metering;

/// <summary>Capture on a real TUN interface (wireguard-go) in throwaway namespaces, with traffic generated there.</summary>
public sealed class TunCaptureTests
{
    [Fact]
    public async Task Capture_PingAndTcpThroughTun_RecordsEqualInterfaceCounters()
    {
        await using var link = await WireGuardLink.CreateAsync();
        var meter = new SessionFlowMeter(5, PrefixSet.Parse(WireGuardLink.AddressA + "/32"), new FlowTableOptions());
        var server = link.B.StartProcess(Path.Combine(link.LogFolder, "iperf3.log"), "iperf3", "-s", "-1", "-B", WireGuardLink.AddressB);
        var capture = link.A.RunInside(() => TunCapture.Open(link.InterfaceA, new CaptureOptions(), meter, NullLogger.Instance));
        ProcessResult iperf;
        (ulong Packets, ulong Bytes) before, after;
        using (capture)
        {
            capture.Start();
            before = await WireGuardLink.CountersAsync(link.A, link.InterfaceA);

            (await link.A.ExecAsync("ping", "-c", "20", "-i", "0.01", "-s", "1000", WireGuardLink.AddressB)).EnsureSuccess();
            iperf = await RunIperfAsync(link);

            // Wait until iperf3's connections have sent their FIN (a loaded machine may retransmit for a while), then
            // until the interface is quiet, so counters and capture see the same packets.
            for (var i = 0; i < 200 && await UnclosedAsync(link); i++)
            {
                await Task.Delay(100);
            }

            after = await WireGuardLink.CountersAsync(link.A, link.InterfaceA);
            for (var i = 0; i < 20; i++)
            {
                await Task.Delay(300);
                var now = await WireGuardLink.CountersAsync(link.A, link.InterfaceA);
                if (now == after)
                {
                    break;
                }

                after = now;
            }
        }

        var records = new List<FlowRecord>();
        meter.Flush(FlowEndReason.ForcedEnd, records);
        var statistics = capture.Statistics;

        Assert.Equal(0UL, statistics.Dropped);
        Assert.Equal(after.Packets - before.Packets, Sum(records, r => r.Packets));
        Assert.Equal(after.Bytes - before.Bytes, Sum(records, r => r.Octets));
        Assert.All(records, r => Assert.Equal(FlowRecordError.None, FlowRecordEncoding.Validate(r)));

        var echo = Assert.Single(records, r => r.Protocol == 1 && r.Direction == TrafficDirection.Outbound);
        Assert.Equal(0x0800, echo.DestinationPort);
        Assert.Equal(20UL, echo.Packets);
        Assert.Equal(20UL * 1028, echo.Octets);
        var reply = Assert.Single(records, r => r.Protocol == 1 && r.Direction == TrafficDirection.Inbound);
        Assert.Equal(20UL, reply.Packets);

        // The data connection's payload covers everything the server read, and at most what iperf3 wrote plus what TCP
        // had to send again (one MSS each); iperf3 may end the stream with an RST that discards what was still queued.
        var end = JsonDocument.Parse(iperf.StandardOutput).RootElement.GetProperty("end");
        var received = end.GetProperty("sum_received").GetProperty("bytes").GetUInt64();
        var sent = end.GetProperty("sum_sent").GetProperty("bytes").GetUInt64();
        var resent = end.GetProperty("sum_sent").GetProperty("retransmits").GetUInt64() * 1380;
        var data = records.Where(r => r.Protocol == 6 && r.Direction == TrafficDirection.Outbound && r.DestinationPort == 5201).MaxBy(r => r.PayloadOctets);
        Assert.InRange(data.PayloadOctets, received, sent + resent + (sent / 1000));
        Assert.Equal(TestPackets.Syn, data.TcpFlags & TestPackets.Syn);
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Open_MissingInterface_CaptureException()
    {
        var meter = new SessionFlowMeter(5, PrefixSet.Parse("198.19.0.1"), new FlowTableOptions());

        var e = Assert.Throws<CaptureException>(() => TunCapture.Open("nosuchif0", new CaptureOptions(), meter, NullLogger.Instance));

        Assert.Contains("nosuchif0", e.Message, StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> RunIperfAsync(WireGuardLink link)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await link.A.ExecAsync(TimeSpan.FromSeconds(20), "iperf3", "-c", WireGuardLink.AddressB, "-t", "2", "-b", "200M", "-J");
            if (result.ExitCode == 0 || attempt == 20)
            {
                return result.EnsureSuccess();
            }

            await Task.Delay(100); // the server was not listening yet
        }
    }

    // iperf3's connections whose FIN has not gone out yet (data still queued, or not even closed).
    private static async Task<bool> UnclosedAsync(WireGuardLink link)
    {
        var sockets = (await link.A.ExecAsync("ss", "-H", "-tan")).EnsureSuccess().StandardOutput;
        foreach (var line in sockets.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Contains(WireGuardLink.AddressB + ":5201", StringComparison.Ordinal)
                && (line.StartsWith("ESTAB", StringComparison.Ordinal) || line.StartsWith("FIN-WAIT-1", StringComparison.Ordinal)
                    || line.StartsWith("SYN-SENT", StringComparison.Ordinal) || line.StartsWith("CLOSING", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static ulong Sum(List<FlowRecord> records, Func<FlowRecord, ulong> field)
    {
        ulong total = 0;
        foreach (var r in records)
        {
            total += field(r);
        }

        return total;
    }
}

using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Tests.Metering;

public sealed class FlowTableTests
{
    private const long T0 = 1_700_000_000_000;

    [Fact]
    public void Observe_PacketsOfOneFlow_OneRecordWithSums()
    {
        var table = Table();
        Observe(table, TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 80, TestPackets.Syn), T0);
        Observe(table, TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 80, TestPackets.Ack | TestPackets.Psh, payload: 500), T0 + 10);
        Observe(table, TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 80, TestPackets.Fin | TestPackets.Ack), T0 + 20);
        var closed = new List<FlowRecord>();

        table.Flush(FlowEndReason.ForcedEnd, closed);

        var r = Assert.Single(closed);
        Assert.Equal(7UL, r.SessionId);
        Assert.Equal(3UL, r.Packets);
        Assert.Equal((ulong)(40 + 540 + 40), r.Octets);
        Assert.Equal(500UL, r.PayloadOctets);
        Assert.Equal(TestPackets.Syn | TestPackets.Ack | TestPackets.Psh | TestPackets.Fin, r.TcpFlags);
        Assert.Equal(T0, r.FirstSeenMs);
        Assert.Equal(T0 + 20, r.LastSeenMs);
        Assert.Equal(FlowEndReason.ForcedEnd, r.EndReason);
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.Validate(r));
    }

    [Fact]
    public void Observe_BothDirections_TwoRecords()
    {
        var table = Table();
        Observe(table, TestPackets.Udp("198.18.0.2", 5000, "198.19.0.1", 53, 20), T0, TrafficDirection.Outbound);
        Observe(table, TestPackets.Udp("198.19.0.1", 53, "198.18.0.2", 5000, 80), T0 + 1, TrafficDirection.Inbound);
        var closed = new List<FlowRecord>();

        table.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Equal(2, closed.Count);
        Assert.Contains(closed, r => r.Direction == TrafficDirection.Outbound && r.PayloadOctets == 20);
        Assert.Contains(closed, r => r.Direction == TrafficDirection.Inbound && r.PayloadOctets == 80);
    }

    [Fact]
    public void Observe_DeniedAndAllowedSameTuple_SeparateRecordsWithRule()
    {
        var table = Table();
        var packet = TestPackets.Tcp("198.18.0.2", 40000, "198.18.1.5", 445, TestPackets.Syn);
        Observe(table, packet, T0);
        PacketParser.Parse(packet, packet.Length, out var h);
        table.Observe(h, TrafficDirection.Outbound, FlowVerdict.Denied, 3, T0 + 1);
        var closed = new List<FlowRecord>();

        table.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Equal(2, closed.Count);
        var denied = Assert.Single(closed, r => r.Verdict == FlowVerdict.Denied);
        Assert.Equal(3U, denied.RuleId);
    }

    [Fact]
    public void Expire_IdleTimeoutPassed_ClosesIdleFlowOnly()
    {
        var table = Table();
        Observe(table, TestPackets.Udp("198.18.0.2", 1, "198.19.0.1", 2), T0);
        Observe(table, TestPackets.Udp("198.18.0.2", 3, "198.19.0.1", 4), T0 + 10_000);
        var closed = new List<FlowRecord>();

        Assert.Equal(0, table.Expire(T0 + 14_999, closed));
        Assert.Equal(1, table.Expire(T0 + 15_000, closed));

        var r = Assert.Single(closed);
        Assert.Equal(1, r.SourcePort);
        Assert.Equal(FlowEndReason.IdleTimeout, r.EndReason);
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Expire_ActiveTimeoutPassed_ClosesAndRestartsFlow()
    {
        var table = Table();
        for (var t = 0; t <= 60_000; t += 1000)
        {
            Observe(table, TestPackets.Udp("198.18.0.2", 1, "198.19.0.1", 2, 100), T0 + t);
        }

        var closed = new List<FlowRecord>();
        Assert.Equal(1, table.Expire(T0 + 60_000, closed));
        Observe(table, TestPackets.Udp("198.18.0.2", 1, "198.19.0.1", 2, 100), T0 + 60_500);
        table.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Equal(2, closed.Count);
        Assert.Equal(FlowEndReason.ActiveTimeout, closed[0].EndReason);
        Assert.Equal(61UL, closed[0].Packets);
        Assert.Equal(T0 + 60_500, closed[1].FirstSeenMs);
        Assert.Equal(1UL, closed[1].Packets);
    }

    [Fact]
    public void Expire_IdleTcpFlowThatSentFin_EndOfFlow()
    {
        var table = Table();
        Observe(table, TestPackets.Tcp("198.18.0.2", 1, "198.19.0.1", 2, TestPackets.Fin | TestPackets.Ack), T0);
        var closed = new List<FlowRecord>();

        table.Expire(T0 + 15_000, closed);

        Assert.Equal(FlowEndReason.EndOfFlow, Assert.Single(closed).EndReason);
    }

    [Fact]
    public void Observe_TableFull_EvictsOldestAsLackOfResources()
    {
        var table = new FlowTable(7, new FlowTableOptions { MaxFlows = 8 });
        for (var i = 0; i < 8; i++)
        {
            Observe(table, TestPackets.Udp("198.18.0.2", 1000 + i, "198.19.0.1", 53), T0 + (i * 100));
        }

        Observe(table, TestPackets.Udp("198.18.0.2", 2000, "198.19.0.1", 53), T0 + 1000);
        var closed = new List<FlowRecord>();
        table.Expire(T0 + 1000, closed);

        Assert.True(table.Count <= 8);
        Assert.NotEmpty(closed);
        Assert.All(closed, r => Assert.Equal(FlowEndReason.LackOfResources, r.EndReason));
        Assert.Contains(closed, r => r.SourcePort == 1000);
        Assert.DoesNotContain(closed, r => r.SourcePort == 2000);
        Assert.Equal(closed.Count, table.Evictions);
    }

    [Fact]
    public void Observe_ManyPackets_ConservesPacketsAndOctets()
    {
        var table = Table();
        var random = new Random(1);
        ulong octets = 0;
        var closed = new List<FlowRecord>();
        for (var i = 0; i < 50_000; i++)
        {
            var packet = TestPackets.Udp("198.18.0.2", random.Next(1, 200), "198.19.0.1", 53, random.Next(0, 1400));
            octets += (ulong)packet.Length;
            Observe(table, packet, T0 + i);
            if (i % 5000 == 0)
            {
                table.Expire(T0 + i, closed);
            }
        }

        table.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Equal(50_000UL, closed.Aggregate(0UL, (a, r) => a + r.Packets));
        Assert.Equal(octets, closed.Aggregate(0UL, (a, r) => a + r.Octets));
        Assert.All(closed, r => Assert.Equal(FlowRecordError.None, FlowRecordEncoding.Validate(r)));
    }

    [Fact]
    public void OnDenied_InboundPacketTheCaptureAlsoSaw_CountedOnlyAsDenied()
    {
        var meter = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.2/32"), new FlowTableOptions(), capturesInboundBeforePolicy: true);
        var allowed = TestPackets.Udp("198.19.0.1", 53, "198.18.0.2", 5000, 100);
        var denied = TestPackets.Udp("198.19.0.1", 53, "198.18.0.2", 5000, 10);
        meter.OnDenied(denied, 9, TrafficDirection.Inbound, T0); // the policy reports it...
        meter.OnForwarded(denied, denied.Length, T0 + 1);        // ...the capture had its copy too
        meter.OnForwarded(allowed, allowed.Length, T0 + 2);
        meter.OnForwarded(denied, denied.Length, T0 + 3);        // capture first this time...
        meter.OnDenied(denied, 9, TrafficDirection.Inbound, T0 + 3); // ...then the policy
        var closed = new List<FlowRecord>();

        meter.Flush(FlowEndReason.ForcedEnd, closed);

        var forwarded = Assert.Single(closed, r => r.Verdict == FlowVerdict.Allowed);
        Assert.Equal(1UL, forwarded.Packets);
        Assert.Equal((ulong)allowed.Length, forwarded.Octets);
        Assert.Equal(100UL, forwarded.PayloadOctets);
        var rejected = Assert.Single(closed, r => r.Verdict == FlowVerdict.Denied);
        Assert.Equal(2UL, rejected.Packets);
        Assert.Equal(9U, rejected.RuleId);
    }

    [Fact]
    public void OnRateLimited_InboundPacketsTheCaptureAlsoSaw_LeftOutWithoutADeniedRecord()
    {
        var meter = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.2/32"), new FlowTableOptions(), capturesInboundBeforePolicy: true);
        var down = TestPackets.Udp("198.19.0.1", 53, "198.18.0.2", 5000, 1372);
        var up = TestPackets.Udp("198.18.0.2", 5001, "198.19.0.1", 53, 972);
        for (var i = 0; i < 10; i++)
        {
            meter.OnForwarded(down, down.Length, T0 + i);            // the capture saw all ten...
            if (i % 2 == 0)
            {
                meter.OnRateLimited(down, TrafficDirection.Inbound, T0 + i); // ...the rate limit dropped five
            }
        }

        meter.OnRateLimited(up, TrafficDirection.Outbound, T0);      // dropped before the capture could see it
        meter.OnForwarded(up, up.Length, T0 + 1);
        var closed = new List<FlowRecord>();

        meter.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.All(closed, r => Assert.Equal(FlowVerdict.Allowed, r.Verdict));
        var inbound = Assert.Single(closed, r => r.Direction == TrafficDirection.Inbound);
        Assert.Equal(5UL, inbound.Packets);
        Assert.Equal(5UL * 1400, inbound.Octets);
        Assert.Equal(5UL * 1372, inbound.PayloadOctets);
        Assert.Equal(1UL, Assert.Single(closed, r => r.Direction == TrafficDirection.Outbound).Packets);
        Assert.Equal(6, meter.RateLimited);
    }

    [Fact]
    public void OnRateLimited_EveryCapturedPacketDropped_NoRecordAtAll()
    {
        var meter = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.2/32"), new FlowTableOptions(), capturesInboundBeforePolicy: true);
        var packet = TestPackets.Udp("198.19.0.1", 53, "198.18.0.2", 5000, 100);
        meter.OnRateLimited(packet, TrafficDirection.Inbound, T0);   // the policy first...
        meter.OnForwarded(packet, packet.Length, T0);               // ...the capture's copy later
        var closed = new List<FlowRecord>();

        meter.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Empty(closed);
    }

    [Fact]
    public void OnDenied_EveryCapturedPacketDenied_NoAllowedRecord()
    {
        var meter = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.2/32"), new FlowTableOptions(), capturesInboundBeforePolicy: true);
        var packet = TestPackets.Tcp("198.19.0.1", 445, "198.18.0.2", 5000, TestPackets.Syn);
        meter.OnForwarded(packet, packet.Length, T0);
        meter.OnDenied(packet, 3, TrafficDirection.Inbound, T0);
        var closed = new List<FlowRecord>();

        meter.Flush(FlowEndReason.ForcedEnd, closed);

        Assert.Equal(FlowVerdict.Denied, Assert.Single(closed).Verdict);
    }

    [Fact]
    public void OnForwarded_TcpSuperPacketAboveTheMtu_CountedAsTheSegmentsTheTunnelCarries()
    {
        var meter = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.2/32"), new FlowTableOptions(), segmentMtu: 1420);
        var super = TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 80, TestPackets.Ack, payload: 9948, tcpOptions: 12);
        var small = TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 80, TestPackets.Ack, payload: 100, tcpOptions: 12);
        meter.OnForwarded(super.AsSpan(0, 128), super.Length, T0);
        meter.OnForwarded(small, small.Length, T0 + 1);
        var closed = new List<FlowRecord>();

        meter.Flush(FlowEndReason.ForcedEnd, closed);

        var r = Assert.Single(closed);
        Assert.Equal(8UL + 1, r.Packets);                      // 7 × 1368 + 372 payload bytes
        Assert.Equal(9948UL + 100, r.PayloadOctets);
        Assert.Equal(9948UL + (8 * 52) + (ulong)small.Length, r.Octets);
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.Validate(r));
    }

    [Fact]
    public void DirectionOf_ClientPrefixes_InboundTowardsThem()
    {
        var addresses = new SessionFlowMeter(7, PrefixSet.Parse("198.18.0.0/24", "2001:db8:1::/48"), new FlowTableOptions());
        PacketParser.Parse(TestPackets.Udp("198.19.0.1", 1, "198.18.0.7", 2), 100, out var in4);
        PacketParser.Parse(TestPackets.Udp("198.18.0.7", 1, "198.19.0.1", 2), 100, out var out4);
        PacketParser.Parse(TestPackets.Udp("2001:db8:2::1", 1, "2001:db8:1::5", 2), 100, out var in6);

        Assert.Equal(TrafficDirection.Inbound, addresses.DirectionOf(in4));
        Assert.Equal(TrafficDirection.Outbound, addresses.DirectionOf(out4));
        Assert.Equal(TrafficDirection.Inbound, addresses.DirectionOf(in6));
    }

    private static FlowTable Table() => new(7, new FlowTableOptions());

    private static void Observe(FlowTable table, byte[] packet, long t, TrafficDirection direction = TrafficDirection.Outbound)
    {
        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        table.Observe(h, direction, FlowVerdict.Allowed, 0, t);
    }
}

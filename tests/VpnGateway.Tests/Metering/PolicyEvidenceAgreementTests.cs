using System.Buffers.Binary;
using System.Net;
using CsCheck;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// The gateway decides each packet with <see cref="CompiledPolicy"/> on <see cref="PacketTuple.TryParse"/>'s fields;
/// metering reads the flow record's fields with its own parser; an oracle (and the client) judges the record with the
/// reference <see cref="PolicyEvaluator"/> on <see cref="FlowRecord.ToPacketTuple"/>. This property keeps the three
/// equal: for random packets (IPv4 options, fragments, IPv6 extension headers, every transport, ports 0, IPv4-mapped
/// IPv6 addresses) and random policies, every record carries the verdict and rule id the gateway gave its packets.
/// </summary>
public sealed class PolicyEvidenceAgreementTests
{
    private const ulong Session = 7;
    private static readonly PrefixSet ClientSide = PrefixSet.Parse("198.18.0.0/24", "2001:db8:c::/48");
    private static readonly string[] Clients4 = ["198.18.0.2", "198.18.0.9"];
    private static readonly string[] Clients6 = ["2001:db8:c::2", "2001:db8:c::9"];
    private static readonly string[] Remotes4 = ["198.19.0.1", "198.19.0.77", "198.18.5.1", "198.18.100.1", "10.0.0.1", "198.19.7.7"];
    private static readonly string[] Remotes6 = ["2001:db8::1", "2001:db8:0:1::5", "::ffff:198.19.0.1", "::ffff:198.18.5.1", "fd00::1"];
    private static readonly byte[] Protocols = [6, 17, 1, 58, 132, 33, 136, 47, 50];
    private static readonly ushort[] Ports = [0, 0, 0, 1, 20, 22, 25, 53, 139, 443, 445, 65535];

    [Fact]
    public void Records_RandomPacketsAndPolicies_EvaluateToTheGatewaysVerdict()
    {
        var checkedRecords = 0;
        var denied = 0;
        Gen.Select(Shape, Gen.Int, Gen.Bool)
            .Sample((shape, policySeed, outbound) =>
            {
                var (document, context) = RandomPolicy(new Random(policySeed));
                var packet = Build(shape, outbound);
                if (!PacketTuple.TryParse(packet, out var tuple))
                {
                    return; // the gateway drops and counts it as malformed: no verdict, no record
                }

                var direction = outbound ? TrafficDirection.Outbound : TrafficDirection.Inbound;
                var decision = CompiledPolicy.Compile(document, context).Evaluate(tuple, direction);
                var meter = new SessionFlowMeter(Session, ClientSide, new FlowTableOptions());
                var counted = decision.IsAllowed
                    ? meter.OnForwarded(packet, packet.Length, 1_700_000_000_000)
                    : meter.OnDenied(packet, decision.RuleId, direction, 1_700_000_000_000);
                Assert.True(counted, $"metering could not read a packet the policy decided: {Convert.ToHexString(packet)}");

                var closed = new List<FlowRecord>();
                meter.Flush(FlowEndReason.ForcedEnd, closed);
                var record = Assert.Single(closed);
                Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(FlowRecordEncoding.Encode(record), out var decoded));
                Assert.Equal(direction, decoded.Direction);
                Assert.True(FlowRecordPolicy.Agrees(decoded, document, context, out var expected),
                    $"gateway {decision}, record {decoded} judged {expected} (packet {Convert.ToHexString(packet)})");
                Assert.Equal(decision, expected);
                checkedRecords++;
                denied += decision.IsAllowed ? 0 : 1;
            }, iter: 20_000, threads: 1, print: t => $"{t.Item1} policy {t.Item2} outbound {t.Item3}");

        // The generator must reach both verdicts often, or the property says little.
        Assert.True(checkedRecords > 10_000, $"{checkedRecords} records checked");
        Assert.True(denied > 2_000 && checkedRecords - denied > 2_000, $"{denied} denied of {checkedRecords}");
    }

    /// <summary>What a random packet looks like; <see cref="Build"/> writes its bytes.</summary>
    private sealed record PacketShape(
        bool V6, int Client, int Remote, byte Protocol, ushort ClientPort, ushort RemotePort, int Options, int Fragment,
        int Extensions, int TransportBytes, byte TcpDataOffset, int Payload)
    {
        public override string ToString()
            => $"v{(V6 ? 6 : 4)} client {Client} remote {Remote} proto {Protocol} ports {ClientPort}/{RemotePort} options {Options} " +
               $"fragment {Fragment} extensions {Extensions} transport {TransportBytes} doff {TcpDataOffset} payload {Payload}";
    }

    private static readonly Gen<PacketShape> Shape =
        Gen.Select(Gen.Bool, Gen.Int[0, 1], Gen.Int[0, 5], Gen.Int[0, Protocols.Length - 1], Gen.Int[0, Ports.Length - 1], Gen.Int[0, Ports.Length - 1])
            .Select(Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Int[-1, 24], Gen.Int[0, 15].Select(i => (byte)i), Gen.Int[0, 40]),
                (a, b) => new PacketShape(a.Item1, a.Item2, a.Item3, Protocols[a.Item4], Ports[a.Item5], Ports[a.Item6],
                    b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6));

    // Fragment: 0 none, 1 first of several, 2 later, 3 later with the offset's high bit only, 4 first with DF.
    // Extensions (IPv6): 0 none, 1 hop-by-hop, 2 destination options + routing, 3 AH, 4 eight destination options.
    // TransportBytes: -1 the natural header length, else that many bytes (short ones are malformed, or later fragments).
    private static byte[] Build(PacketShape s, bool outbound)
    {
        var client = IPAddress.Parse(s.V6 ? Clients6[s.Client] : Clients4[s.Client]);
        var remotes = s.V6 ? Remotes6 : Remotes4;
        var remote = IPAddress.Parse(remotes[s.Remote % remotes.Length]);
        var (source, destination) = outbound ? (client, remote) : (remote, client);
        var (sourcePort, destinationPort) = outbound ? (s.ClientPort, s.RemotePort) : (s.RemotePort, s.ClientPort);
        var natural = s.Protocol switch
        {
            6 => 20,
            17 or 136 or 1 or 58 => 8,
            132 or 33 => 12,
            _ => 0,
        };
        var transport = new byte[(s.TransportBytes < 0 ? natural : s.TransportBytes) + s.Payload];
        if (transport.Length >= 4 && s.Protocol is not (1 or 58))
        {
            BinaryPrimitives.WriteUInt16BigEndian(transport, sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(transport.AsSpan(2), destinationPort);
        }
        else if (transport.Length >= 2 && s.Protocol is 1 or 58)
        {
            transport[0] = (byte)sourcePort;
            transport[1] = (byte)destinationPort;
        }

        if (s.Protocol == 6 && transport.Length > 13)
        {
            transport[12] = (byte)(s.TcpDataOffset << 4);
            transport[13] = 0x12;
        }

        if (s.Protocol == 33 && transport.Length > 4)
        {
            transport[4] = (byte)(s.TcpDataOffset % 6);
        }

        return s.V6 ? V6(source, destination, s, transport) : V4(source, destination, s, transport);
    }

    private static byte[] V4(IPAddress source, IPAddress destination, PacketShape s, byte[] transport)
    {
        var header = 20 + (s.Options * 4);
        var p = new byte[header + transport.Length];
        p[0] = (byte)(0x40 | (header / 4));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        ushort fragment = s.Fragment switch
        {
            1 => 0x2000,
            2 => 0x0003,
            3 => 0x1000,
            4 => 0x4000,
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), fragment);
        p[8] = 64;
        p[9] = s.Protocol;
        source.TryWriteBytes(p.AsSpan(12), out _);
        destination.TryWriteBytes(p.AsSpan(16), out _);
        p.AsSpan(20, header - 20).Fill(1); // NOP options
        transport.CopyTo(p, header);
        return p;
    }

    private static byte[] V6(IPAddress source, IPAddress destination, PacketShape s, byte[] transport)
    {
        var chain = new List<(byte Type, byte[] Body)>();
        switch (s.Extensions)
        {
            case 1:
                chain.Add((0, new byte[8]));
                break;
            case 2:
                chain.Add((60, new byte[8]));
                chain.Add((43, new byte[16]));
                break;
            case 3:
                chain.Add((51, new byte[12]));
                break;
            case 4:
                for (var i = 0; i < 8; i++)
                {
                    chain.Add((60, new byte[8]));
                }

                break;
        }

        if (s.Fragment is not (0 or 4))
        {
            var fragment = new byte[8];
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(2), s.Fragment == 1 ? (ushort)0x0001 : (ushort)0x0008);
            chain.Add((44, fragment));
        }

        var length = chain.Sum(c => c.Body.Length) + transport.Length;
        var p = new byte[40 + length];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)length);
        p[6] = chain.Count == 0 ? s.Protocol : chain[0].Type;
        p[7] = 64;
        source.TryWriteBytes(p.AsSpan(8), out _);
        destination.TryWriteBytes(p.AsSpan(24), out _);
        var at = 40;
        for (var i = 0; i < chain.Count; i++)
        {
            var (type, body) = chain[i];
            body[0] = i + 1 < chain.Count ? chain[i + 1].Type : s.Protocol;
            body[1] = type switch
            {
                51 => (byte)((body.Length / 4) - 2),
                44 => 0,
                _ => (byte)((body.Length / 8) - 1),
            };
            body.CopyTo(p, at);
            at += body.Length;
        }

        transport.CopyTo(p, at);
        return p;
    }

    private static (PolicyDocument Document, PolicyContext Context) RandomPolicy(Random random)
    {
        static IpPrefix Pick(Random r) => IpPrefix.Parse(r.Next(9) switch
        {
            0 => "198.19.0.0/24",
            1 => "198.19.0.77/32",
            2 => "198.18.0.0/16",
            3 => "10.0.0.0/8",
            4 => "0.0.0.0/0",
            5 => "2001:db8::/32",
            6 => "::ffff:198.19.0.0/120",
            7 => "fd00::/8",
            _ => "198.19.7.0/24",
        });

        var rules = new List<PolicyRule>();
        for (var i = 0; i < random.Next(0, 8); i++)
        {
            byte? protocol = random.Next(6) switch { 0 => null, 1 => 6, 2 => 17, 3 => 1, 4 => 58, _ => 132 };
            var ports = protocol is null or 6 or 17 && random.Next(2) == 0
                ? Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(4) switch
                {
                    0 => new PortRange(0, 0),
                    1 => new PortRange(0, 1023),
                    2 => new PortRange(445, 445),
                    _ => new PortRange(20, 53),
                }).ToList()
                : null;
            var networks = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(random)).ToList();
            rules.Add(new PolicyRule((uint)(i + 1), random.Next(2) == 0 ? PolicyAction.Allow : PolicyAction.Deny, (RuleDirection)random.Next(3), protocol, networks, ports));
        }

        var exports = random.Next(3) == 0 ? new List<IpPrefix> { IpPrefix.Parse("198.18.5.0/24") } : null;
        var document = new PolicyDocument(random.Next(2) == 0 ? PolicyAction.Allow : PolicyAction.Deny, rules, exports);
        var context = new PolicyContext([IpPrefix.Parse("198.18.0.0/16"), IpPrefix.Parse("fd00::/8")]);
        return (document, context);
    }
}

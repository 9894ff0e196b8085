using System.Buffers.Binary;
using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Crypto;
using VpnGateway.Protocol;
using VpnGateway.Tests.Doubles;
using VpnGateway.Transport;
using VpnGateway.Tun;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// What an independent security review tried against the data path and found held (issue 10), kept as tests so it
/// keeps holding: fragment tricks, IPv6 and spoofed inner sources, ICMP errors quoting other flows, IPIP and GRE,
/// no amplification, replay and authenticated roaming. (Namespace tests keep the rest: the LAN guard against subnet
/// broadcast, source routes and the gateway's own services, in Integration/ProviderHostGuardTests.)
/// The harness's provider protects 198.18.10.0/24 (its LAN), 198.18.0.2 (its address) and 198.19.0.1 (its tunnel address).
/// </summary>
public sealed class ReviewedAttacksTests
{
    private const string Client = "198.19.0.2";
    private const string Internet = "198.18.200.1";
    private const string Lan = "198.18.10.5";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Fragments_TinyFirstFragmentHidingThePort_MalformedAndNeverWritten()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        // The first fragment of a TCP SYN to port 445 that carries only 8 bytes of the TCP header (ports and sequence).
        var syn = Packets.Tcp(Client, Internet, 40000, 445, 1, flags: 0x02);
        var tiny = Ip(Client, Internet, 6, syn.AsSpan(20, 8), moreFragments: true, offset: 0);

        h.ClientTun.Inject(tiny);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.Malformed] == 1, "the tiny first fragment dropped as malformed");

        Assert.Equal(0, h.ServerTun.WrittenCount);
        Assert.Empty(h.Denials.Denials);
    }

    [Fact]
    public async Task Fragments_LaterFragmentToTheProvidersLan_DeniedByTheGuardWhileOneToTheInternetPasses()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        h.ClientTun.Inject(Ip(Client, Lan, 6, new byte[64], moreFragments: false, offset: 8));
        h.ClientTun.Inject(Ip(Client, Internet, 6, new byte[64], moreFragments: false, offset: 8));
        var written = await h.ServerTun.NextWrittenAsync(Wait);

        var denial = Assert.Single(h.Denials.Denials);
        Assert.Equal(PolicyDecision.ProviderGuardRuleId, denial.Rule);
        Assert.Equal(IPAddress.Parse(Lan), new IPAddress(denial.Packet.AsSpan(16, 4)));
        Assert.Equal(IPAddress.Parse(Internet), new IPAddress(written.AsSpan(16, 4)));
    }

    [Fact]
    public async Task InnerSource_Ipv6OrAnotherAddress_DroppedBeforeThePolicy()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        h.ClientTun.Inject(Ipv6Udp("fd00::2", "2001:db8::1"));
        h.ClientTun.Inject(Packets.Udp("198.19.0.3", Internet, 40000, 53)); // another client's tunnel address
        h.ClientTun.Inject(Packets.Udp(Lan, Internet, 40000, 53));          // the provider's LAN, to get replies routed there
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SourceNotAllowed] == 3, "spoofed sources dropped");

        Assert.Equal(0, h.ServerTun.WrittenCount);
        Assert.Empty(h.Denials.Denials);
    }

    [Fact]
    public async Task IcmpError_ToTheProvidersLan_DeniedByTheGuardWhateverItQuotes()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        // Port unreachable quoting a datagram the LAN host "sent" to the client: the outer destination decides.
        var quoted = Packets.Udp(Lan, Client, 53, 40000);
        var icmp = new byte[8 + 28];
        icmp[0] = 3;
        icmp[1] = 3;
        quoted.AsSpan(0, 28).CopyTo(icmp.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(icmp.AsSpan(2), Checksum.Finish(Checksum.Add(icmp)));

        h.ClientTun.Inject(Ip(Client, Lan, 1, icmp));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.PolicyDenied] == 1, "the ICMP error denied");

        Assert.Equal(PolicyDecision.ProviderGuardRuleId, Assert.Single(h.Denials.Denials).Rule);
        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task IpipAndGre_ToTheProvidersAddresses_DeniedByTheGuard()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var inner = Packets.Udp(Client, Lan, 40000, 53);
        var gre = new byte[4 + inner.Length];
        BinaryPrimitives.WriteUInt16BigEndian(gre.AsSpan(2), 0x0800);
        inner.CopyTo(gre.AsSpan(4));

        h.ClientTun.Inject(Ip(Client, "198.18.0.2", 4, inner));  // IPIP to the provider host, to be decapsulated there
        h.ClientTun.Inject(Ip(Client, "198.19.0.1", 47, gre));   // GRE to the gateway's tunnel address
        h.ClientTun.Inject(Ip(Client, Lan, 4, inner));           // IPIP to a LAN router
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.PolicyDenied] == 3, "the encapsulated packets denied");

        Assert.All(h.Denials.Denials, d => Assert.Equal(PolicyDecision.ProviderGuardRuleId, d.Rule));
        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task Amplification_UnauthenticatedDatagrams_NeverAnsweredWithMoreBytesThanSent()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var attacker = h.Network.Bind("198.18.0.66:5555");
        long received = 0, answers = 0, largest = 0;
        h.Network.Filter = (_, destination, datagram) =>
        {
            if (destination == attacker.LocalEndpoint)
            {
                Interlocked.Add(ref received, datagram.Length);
                Interlocked.Increment(ref answers);
                InterlockedMax(ref largest, datagram.Length);
            }

            return true;
        };
        long sent = 0;
        var random = new Random(10);
        void Send(byte[] datagram)
        {
            sent += datagram.Length;
            attacker.Send(datagram, h.ServerTransport.LocalEndpoint);
        }

        // Every message type with random bodies, and initiations that pass mac1 (the attacker knows the public key)
        // from unknown keys: the ones worth an answer get a rejection (172 bytes for 251) or a cookie reply (64).
        foreach (var (type, size) in new[] { (1, WireFormat.InitiationSize), (2, WireFormat.ResponseSize), (3, WireFormat.CookieSize), (4, 96), (5, 80), (9, 40) })
        {
            for (var i = 0; i < 200; i++)
            {
                var datagram = new byte[size];
                random.NextBytes(datagram);
                datagram[0] = (byte)type;
                datagram[1] = datagram[2] = datagram[3] = 0;
                Send(datagram);
            }
        }

        for (var i = 0; i < 50; i++)
        {
            using var key = TunnelKeyPair.Generate();
            var payload = new byte[InitiationPayloadLayout.Size];
            payload[12] = 1;
            payload[21] = (byte)TunnelHarness.PinnedSession;
            var message = new byte[WireFormat.InitiationSize];
            using var handshake = InitiatorHandshake.Create(key, h.ServerKey.PublicKey, (uint)i + 1, payload, default, 0, message);
            Send(message);
        }

        await TunnelHarness.Until(() => h.Server.Drops[DropReason.HandshakeRateLimited] + h.Server.Drops[DropReason.HandshakeRejected]
            + h.Server.Drops[DropReason.HandshakeInvalid] + h.Server.Drops[DropReason.HandshakeReplay] >= 50, "the initiations handled");

        Assert.True(received <= sent / 10, $"{received} bytes answered for {sent} sent");
        Assert.True(largest < WireFormat.InitiationSize, $"an answer of {largest} bytes");
        Assert.True(answers <= 50, $"{answers} answers");
    }

    [Fact]
    public async Task Roaming_ReplayedOrForgedDatagramFromAnotherAddress_DoesNotMoveTheEndpoint()
    {
        byte[]? captured = null;
        await using var h = await TunnelHarness.ConnectedAsync();
        h.Network.Filter = (_, destination, datagram) =>
        {
            if (destination == h.ServerTransport.LocalEndpoint && datagram[0] == 4 && datagram.Length > 64)
            {
                captured ??= datagram;
            }

            return true;
        };
        h.ClientTun.Inject(Packets.Udp(Client, Internet, 40000, 53));
        await h.ServerTun.NextWrittenAsync(Wait);
        var attacker = UdpEndpoint.From(IPEndPoint.Parse("198.18.0.66:6666"));
        var forged = (byte[])captured!.Clone();
        forged[^1] ^= 0xFF; // a valid index and counter, a broken tag
        BinaryPrimitives.WriteUInt64BigEndian(forged.AsSpan(8), 1UL << 40);

        h.ServerTransport.Enqueue(captured, attacker);
        h.ServerTransport.Enqueue(forged, attacker);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.Replay] == 1 && h.Server.Drops[DropReason.Authentication] == 1, "the replay and the forgery dropped");

        Assert.Equal(TunnelHarness.ClientEndpoint, h.Server.Sessions.Single().Endpoint!.Value.ToString());
        h.ServerTun.Inject(Packets.Udp(Internet, Client, 53, 40000));
        Assert.Equal(53, BinaryPrimitives.ReadUInt16BigEndian((await h.ClientTun.NextWrittenAsync(Wait)).AsSpan(20)));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    // An IPv4 packet with the given payload; a fragment when offset or moreFragments says so.
    private static byte[] Ip(string source, string destination, byte protocol, ReadOnlySpan<byte> payload, bool moreFragments = false, int offset = 0)
    {
        var packet = new byte[20 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x4242);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | (offset / 8)));
        packet[8] = 64;
        packet[9] = protocol;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(12), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(16), out _);
        payload.CopyTo(packet.AsSpan(20));
        Checksum.SetIPv4HeaderChecksum(packet, 20);
        return packet;
    }

    private static byte[] Ipv6Udp(string source, string destination)
    {
        var packet = new byte[40 + 8 + 16];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 8 + 16);
        packet[6] = 17;
        packet[7] = 64;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(8), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(24), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(40), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(42), 53);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(44), 8 + 16);
        return packet;
    }
}

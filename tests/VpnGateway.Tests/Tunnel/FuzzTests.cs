using Xunit.Abstractions;
using System.Buffers.Binary;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Datagrams = 1_000_000;

    [Fact]
    public async Task Receive_MillionRandomAndMutatedDatagrams_NothingReachesTunAllCounted()
    {
        var captured = new List<byte[]>();
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero);
        h.Network.Filter = (_, destination, datagram) =>
        {
            lock (captured)
            {
                if (destination == h.ServerTransport.LocalEndpoint && captured.Count < 64)
                {
                    captured.Add(datagram);
                }
            }

            return true;
        };
        for (var i = 0; i < 40; i++)
        {
            h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53, payload: i * 20));
        }

        await TunnelHarness.Until(() => h.ServerTun.WrittenCount == 40, "legit traffic through");
        h.Network.Filter = null;
        while (h.ServerTun.WrittenCount > 0)
        {
            await h.ServerTun.NextWrittenAsync(TimeSpan.FromSeconds(1));
        }

        var seeds = captured.ToArray();
        var dropsBefore = h.Server.Drops.Total;
        var random = new Random(2024);
        var source = h.ClientTransport.LocalEndpoint;

        for (var i = 0; i < Datagrams; i++)
        {
            h.ServerTransport.Enqueue(Mutate(random, seeds), source);
            if (i % 50_000 == 0)
            {
                // keep the queue bounded so memory stays small
                await TunnelHarness.Until(() => h.Server.Drops.Total - dropsBefore >= i - 100_000, "fuzz progress", 60_000);
            }
        }

        await TunnelHarness.Until(() => h.Server.Drops.Total - dropsBefore == Datagrams, $"all {Datagrams} fuzz datagrams dropped", 120_000);

        Assert.Equal(0, h.ServerTun.WrittenCount);
        var drops = h.Server.Drops.Snapshot();
        output.WriteLine(string.Join(Environment.NewLine, drops.Select(d => $"{d.Key}: {d.Value}")));
        Assert.True(drops.Count >= 5, string.Join(", ", drops));
        Assert.True(h.Server.Drops[DropReason.Authentication] > 10_000);
        Assert.True(h.Server.Drops[DropReason.UnknownIndex] > 10_000);
        Assert.True(h.Server.Drops[DropReason.Replay] > 1_000);
        // The legit session survived: traffic still flows.
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(TimeSpan.FromSeconds(10));
    }

    private static byte[] Mutate(Random random, byte[][] seeds)
    {
        var seed = seeds[random.Next(seeds.Length)];
        switch (random.Next(6))
        {
            case 0:
            {
                // Random bytes of random length.
                var bytes = new byte[random.Next(0, 1600)];
                random.NextBytes(bytes);
                return bytes;
            }

            case 1:
            {
                // Random body behind a plausible header (any type, zero reserved bytes).
                var bytes = new byte[random.Next(4, 1600)];
                random.NextBytes(bytes);
                bytes[0] = (byte)random.Next(0, 7);
                bytes[1] = bytes[2] = bytes[3] = 0;
                return bytes;
            }

            case 2:
            {
                // A real datagram with a few bits flipped.
                var bytes = (byte[])seed.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            }

            case 3:
            {
                // A real datagram cut short or padded.
                var length = random.Next(0, seed.Length + 64);
                var bytes = new byte[length];
                seed.AsSpan(0, Math.Min(length, seed.Length)).CopyTo(bytes);
                if (length == seed.Length)
                {
                    bytes[^1] ^= 0x80;
                }

                return bytes;
            }

            case 4:
            {
                // A valid receiver index with a fresh counter and a random body: must fail authentication.
                var bytes = (byte[])seed.Clone();
                if (bytes[0] is 4 or 5)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), (ulong)random.NextInt64(1_000_000, long.MaxValue));
                    random.NextBytes(bytes.AsSpan(16));
                }
                else
                {
                    bytes[^20] ^= 1;
                }

                return bytes;
            }

            default:
                // An exact replay of a datagram already accepted.
                return (byte[])seed.Clone();
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VpnGateway.Control;

namespace VpnGateway.Tests.Control;

public sealed class ControlChannelTests
{
    /// <summary>Two channels wired back to back; <c>Drop</c> decides per frame whether the link loses it.</summary>
    private sealed class Link : IDisposable
    {
        private readonly BlockingCollection<(ControlChannel Target, byte[] Frame)> _wire = [];
        private readonly Thread _pump;
        private int _frames;

        public Link(FakeTimeProvider time, int maxFrame = 200)
        {
            A = new ControlChannel(1, maxFrame, frame => Transmit(B!, frame), time, NullLogger.Instance);
            B = new ControlChannel(1, maxFrame, frame => Transmit(A, frame), time, NullLogger.Instance);
            _pump = new Thread(() =>
            {
                foreach (var (target, frame) in _wire.GetConsumingEnumerable())
                {
                    target.OnFrame(frame);
                }
            }) { IsBackground = true };
            _pump.Start();
        }

        public ControlChannel A { get; }

        public ControlChannel B { get; }

        public Func<int, bool> Drop { get; set; } = _ => false;

        public void Dispose()
        {
            _wire.CompleteAdding();
            _pump.Join();
            A.Dispose();
            B.Dispose();
        }

        private bool Transmit(ControlChannel target, ReadOnlyMemory<byte> frame)
        {
            if (!Drop(Interlocked.Increment(ref _frames)))
            {
                _wire.Add((target, frame.ToArray()));
            }

            return true;
        }
    }

    [Fact]
    public async Task SendAsync_ManyMessages_DeliveredInOrderAndAcknowledged()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time);
        var received = new ConcurrentQueue<string>();
        using var subscription = link.B.Subscribe(0x0100, (m, _) =>
        {
            received.Enqueue(System.Text.Encoding.UTF8.GetString(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        using var cts = new CancellationTokenSource();
        var dispatcher = link.B.RunDispatcherAsync(cts.Token);

        var sends = Enumerable.Range(0, 100).Select(i => link.A.SendAsync(0x0100, System.Text.Encoding.UTF8.GetBytes($"message {i}")).AsTask()).ToArray();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
        await Doubles.TunnelHarness.Until(() => received.Count == 100, "100 messages");

        Assert.All(results, r => Assert.Equal(ControlSendResult.Delivered, r));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"message {i}"), received);
        await cts.CancelAsync();
        await dispatcher;
    }

    [Fact]
    public async Task SendAsync_LargeMessageOverLossyLink_ReassembledAfterRetransmissions()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time) { Drop = n => n % 7 == 3 };
        var payload = new byte[50_000];
        Random.Shared.NextBytes(payload);
        byte[]? got = null;
        using var subscription = link.B.Subscribe(ControlMessageTypes.MeteringFlowRecords, (m, _) =>
        {
            got = m.Payload.ToArray();
            return ValueTask.CompletedTask;
        });
        using var cts = new CancellationTokenSource();
        var dispatcher = link.B.RunDispatcherAsync(cts.Token);

        var send = link.A.SendAsync(ControlMessageTypes.MeteringFlowRecords, payload).AsTask();
        for (var i = 0; i < 400 && !send.IsCompleted; i++)
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(400));
            link.A.OnTick();
            link.B.OnTick();
        }

        Assert.Equal(ControlSendResult.Delivered, await send.WaitAsync(TimeSpan.FromSeconds(10)));
        await Doubles.TunnelHarness.Until(() => got is not null, "reassembled message");
        Assert.Equal(payload, got);
        Assert.True(link.A.Retransmissions > 0);
        await cts.CancelAsync();
        await dispatcher;
    }

    [Fact]
    public async Task SendAsync_SessionEndsFirst_SessionClosed()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time) { Drop = _ => true };

        var pending = link.A.SendAsync(0x0102, new byte[10]).AsTask();
        link.A.Dispose();

        Assert.Equal(ControlSendResult.SessionClosed, await pending.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(ControlSendResult.SessionClosed, await link.A.SendAsync(0x0102, new byte[1]));
        Assert.False(link.A.IsOpen);
    }

    [Fact]
    public async Task SendAsync_InvalidTypeOrSize_Invalid()
    {
        using var link = new Link(new FakeTimeProvider());

        Assert.Equal(ControlSendResult.Invalid, await link.A.SendAsync(0, new byte[1]));
        Assert.Equal(ControlSendResult.Invalid, await link.A.SendAsync(1, new byte[ControlMessageTypes.MaxPayloadSize + 1]));
    }

    [Fact]
    public void OnFrame_Malformed_ReportsFalse()
    {
        using var link = new Link(new FakeTimeProvider());

        Assert.False(link.B.OnFrame(new byte[5]));
        Assert.False(link.B.OnFrame(new byte[ControlChannel.HeaderSize].Select(_ => (byte)9).ToArray()));
    }
}

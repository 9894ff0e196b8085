using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VpnGateway.Control;

namespace VpnGateway.Tests.Control;

public sealed class ControlChannelTests
{
    /// <summary>Two channels wired back to back; <c>Drop</c> decides per frame whether the link loses it.</summary>
    // Ticks both ends (400 ms of fake time each) until done, bounded in real time: the link's pump thread may lag on a
    // busy machine, and every tick it lags costs a spurious retransmission timeout, so a fixed number of ticks is not a
    // fair bound.
    private static async Task TickUntilAsync(Link link, FakeTimeProvider time, Func<bool> done)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!done() && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(5);
            time.Advance(TimeSpan.FromMilliseconds(400));
            link.A.OnTick();
            link.B.OnTick();
        }
    }

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
        await TickUntilAsync(link, time, () => send.IsCompleted);

        Assert.Equal(ControlSendResult.Delivered, await send.WaitAsync(TimeSpan.FromSeconds(10)));
        await Doubles.TunnelHarness.Until(() => got is not null, "reassembled message");
        Assert.Equal(payload, got);
        Assert.True(link.A.Retransmissions > 0);
        await cts.CancelAsync();
        await dispatcher;
    }

    [Fact]
    public async Task Flood_HandlerBlocked_InboxStaysBoundedAndAllArrivesInOrderOnceItResumes()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<string>();
        var peak = 0;
        using var subscription = link.B.Subscribe(0x0100, async (m, ct) =>
        {
            peak = Math.Max(peak, link.B.InboxMessages);
            await gate.Task.WaitAsync(ct);
            received.Enqueue(System.Text.Encoding.UTF8.GetString(m.Payload.Span));
        });
        using var cts = new CancellationTokenSource();
        var dispatcher = link.B.RunDispatcherAsync(cts.Token);
        const int Count = 700;

        var sends = Enumerable.Range(0, Count).Select(i => link.A.SendAsync(0x0100, System.Text.Encoding.UTF8.GetBytes($"message {i}")).AsTask()).ToArray();
        await Doubles.TunnelHarness.Until(() => link.B.InboxRefusals > 0, "a refused frame");

        // The sender retransmits its stalled window again and again; nothing more is taken while the handler blocks.
        for (var i = 0; i < 5; i++)
        {
            var refusals = link.B.InboxRefusals;
            time.Advance(TimeSpan.FromSeconds(6));
            link.A.OnTick();
            await Doubles.TunnelHarness.Until(() => link.B.InboxRefusals > refusals, "the retransmitted window refused");
            Assert.Equal(ControlChannel.MaxInboxMessages, link.B.InboxMessages);
        }

        Assert.Empty(received);
        Assert.Equal(ControlChannel.MaxInboxMessages, sends.Count(s => s.IsCompleted));

        gate.SetResult();
        await TickUntilAsync(link, time, () => sends.All(s => s.IsCompleted));

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
        await Doubles.TunnelHarness.Until(() => received.Count == Count, "every message");
        Assert.All(results, r => Assert.Equal(ControlSendResult.Delivered, r));
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"message {i}"), received);
        Assert.InRange(peak, 1, ControlChannel.MaxInboxMessages);
        await cts.CancelAsync();
        await dispatcher;
    }

    [Fact]
    public async Task Flood_HandlerCatchesUp_ReceiverAsksToResumeWithoutWaitingForTheSendersTimer()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<int>();
        using var subscription = link.B.Subscribe(0x0100, async (m, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            received.Enqueue(BitConverter.ToInt32(m.Payload.Span));
        });
        using var cts = new CancellationTokenSource();
        var dispatcher = link.B.RunDispatcherAsync(cts.Token);

        // Exactly one window more than the inbox holds: the window is refused whole, then fits once the inbox is half empty.
        const int Count = ControlChannel.MaxInboxMessages + ControlChannel.Window;
        var sends = Enumerable.Range(0, Count).Select(i => link.A.SendAsync(0x0100, BitConverter.GetBytes(i)).AsTask()).ToArray();
        await Doubles.TunnelHarness.Until(() => link.B.InboxRefusals > 0 && sends.Count(s => s.IsCompleted) == ControlChannel.MaxInboxMessages, "the last window refused");
        Assert.Equal(0, link.A.Retransmissions);

        // No clock moves and nobody ticks: only the resume request can bring the refused window over.
        gate.SetResult();

        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10));
        await Doubles.TunnelHarness.Until(() => received.Count == Count, "every message");
        Assert.All(results, r => Assert.Equal(ControlSendResult.Delivered, r));
        Assert.Equal(Enumerable.Range(0, Count), received);
        Assert.Equal(ControlChannel.Window, link.A.Retransmissions);
        Assert.Equal(0, link.B.InboxMessages);
        await cts.CancelAsync();
        await dispatcher;
    }

    [Fact]
    public async Task Flood_LargeMessages_InboxBytesStayBounded()
    {
        var time = new FakeTimeProvider();
        using var link = new Link(time, maxFrame: 65_536);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new ConcurrentQueue<byte[]>();
        using var subscription = link.B.Subscribe(ControlMessageTypes.MeteringFlowRecords, async (m, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            received.Enqueue(m.Payload.ToArray());
        });
        using var cts = new CancellationTokenSource();
        var dispatcher = link.B.RunDispatcherAsync(cts.Token);
        const int Count = 48;
        const int Size = 1 << 20;

        var sends = Enumerable.Range(0, Count).Select(i =>
        {
            var payload = new byte[Size];
            payload.AsSpan().Fill((byte)i);
            return link.A.SendAsync(ControlMessageTypes.MeteringFlowRecords, payload).AsTask();
        }).ToArray();
        await Doubles.TunnelHarness.Until(() => link.B.InboxRefusals > 0, "a refused frame");

        var held = link.B.InboxBytes;
        Assert.InRange(held, ControlChannel.MaxInboxBytes - 65_536, ControlChannel.MaxInboxBytes);
        Assert.True(link.B.InboxMessages < Count);

        gate.SetResult();
        await TickUntilAsync(link, time, () => sends.All(s => s.IsCompleted));

        Assert.All(await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10)), r => Assert.Equal(ControlSendResult.Delivered, r));
        await Doubles.TunnelHarness.Until(() => received.Count == Count, "every message");
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (byte)i), received.Select(m => m[Size - 1]));
        Assert.All(received, m => Assert.Equal(Size, m.Length));
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

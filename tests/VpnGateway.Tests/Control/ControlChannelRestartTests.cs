using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VpnGateway.Control;
using VpnGateway.Tests.Doubles;

namespace VpnGateway.Tests.Control;

/// <summary>
/// One side of a session's control channel restarts while the session goes on (a provider gateway restarted on its
/// spool, a client that reconnects before the session idled out): the channel carries on with the new incarnation.
/// </summary>
public sealed class ControlChannelRestartTests
{
    [Fact]
    public async Task PeerRestarts_NewIncarnationSpeaksFirst_BothDirectionsWorkAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var wire = new Wire();
        var a = wire.Channel(time, "a", "b");
        var b = wire.Channel(time, "b", "a");
        await Exchange(a, b, 3);

        // b's process dies; a new b (later, so a greater channel id) is wired in its place and sends first (as SessionInfo).
        b.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        var b2 = wire.Channel(time, "b", "a");
        var atA = wire.Received("a");
        Assert.Equal(ControlSendResult.Delivered, await b2.SendAsync(0x0100, "hello again"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await TunnelHarness.Until(() => atA.Contains("hello again"), "the new incarnation's first message");
        Assert.Equal(ControlSendResult.Delivered, await a.SendAsync(0x0102, "answer"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await TunnelHarness.Until(() => wire.Received("b").Contains("answer"), "a's answer at the new incarnation");

        Assert.Equal(1, a.PeerRestarts);
        Assert.Equal(0, b2.PeerRestarts);
    }

    [Fact]
    public async Task PeerRestarts_OldSideSpeaksFirst_ItsMessageReportedNotDeliveredAndTheNextOneArrives()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var wire = new Wire();
        var a = wire.Channel(time, "a", "b");
        var b = wire.Channel(time, "b", "a");
        await Exchange(a, b, 3);
        b.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        var b2 = wire.Channel(time, "b", "a");

        // a still numbers for the old b: the new b drops the frame and introduces itself with an ack.
        var lost = await a.SendAsync(0x0102, "to the old b"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var next = await a.SendAsync(0x0102, "to the new b"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ControlSendResult.PeerRestarted, lost);
        Assert.Equal(ControlSendResult.Delivered, next);
        await TunnelHarness.Until(() => wire.Received("b").Contains("to the new b"), "the next message");
        Assert.DoesNotContain("to the old b", wire.Received("b").Skip(3));
    }

    [Fact]
    public async Task OldIncarnation_LateFrameAfterTheRestart_Ignored()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var wire = new Wire();
        var a = wire.Channel(time, "a", "b");
        var b = wire.Channel(time, "b", "a");
        wire.Capture = true;
        await b.SendAsync(0x0100, "old"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var late = wire.Captured.Last();
        wire.Capture = false;
        b.Dispose();
        time.Advance(TimeSpan.FromSeconds(5));
        var b2 = wire.Channel(time, "b", "a");
        await b2.SendAsync(0x0100, "new"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(a.OnFrame(late));
        Assert.Equal(ControlSendResult.Delivered, await a.SendAsync(0x0102, "still fine"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, a.PeerRestarts);
    }

    private static async Task Exchange(ControlChannel a, ControlChannel b, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(ControlSendResult.Delivered, await a.SendAsync(0x0100, "a"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(ControlSendResult.Delivered, await b.SendAsync(0x0102, "b"u8.ToArray()).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>Channels by name; frames go through a pump thread to whichever channel holds the name now.</summary>
    private sealed class Wire : IDisposable
    {
        private readonly BlockingCollection<(string Target, byte[] Frame)> _frames = [];
        private readonly ConcurrentDictionary<string, ControlChannel> _channels = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _received = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _pump;

        public Wire()
        {
            _pump = new Thread(() =>
            {
                foreach (var (target, frame) in _frames.GetConsumingEnumerable())
                {
                    if (_channels.TryGetValue(target, out var channel))
                    {
                        channel.OnFrame(frame);
                    }
                }
            }) { IsBackground = true };
            _pump.Start();
        }

        public bool Capture { get; set; }

        public ConcurrentQueue<byte[]> Captured { get; } = new();

        public ControlChannel Channel(TimeProvider time, string name, string peer)
        {
            var channel = new ControlChannel(1, 200, frame =>
            {
                var bytes = frame.ToArray();
                if (Capture)
                {
                    Captured.Enqueue(bytes);
                }

                _frames.Add((peer, bytes));
                return true;
            }, time, NullLogger.Instance);
            var received = _received.GetOrAdd(name, _ => new ConcurrentQueue<string>());
            channel.Subscribe(0x0100, (m, _) => Enqueue(received, m));
            channel.Subscribe(0x0102, (m, _) => Enqueue(received, m));
            _ = channel.RunDispatcherAsync(_stop.Token);
            _channels[name] = channel;
            return channel;
        }

        public ConcurrentQueue<string> Received(string name) => _received.GetOrAdd(name, _ => new ConcurrentQueue<string>());

        public void Dispose()
        {
            _stop.Cancel();
            _frames.CompleteAdding();
            _pump.Join();
            foreach (var channel in _channels.Values)
            {
                channel.Dispose();
            }

            _stop.Dispose();
        }

        private static ValueTask Enqueue(ConcurrentQueue<string> received, ControlMessage message)
        {
            received.Enqueue(System.Text.Encoding.UTF8.GetString(message.Payload.Span));
            return ValueTask.CompletedTask;
        }
    }
}

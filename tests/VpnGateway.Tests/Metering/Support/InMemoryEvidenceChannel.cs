using System.Threading.Channels;
using VpnGateway.Metering.Exchange;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// One end of an in-memory control channel: reliable and ordered like the tunnel's, delivering on its own task (never
/// inside the sender's call); what arrives while nobody is subscribed is lost, as on a real channel. <see cref="Drop"/> makes the end lose what it sends (a client that stopped answering).
/// </summary>
internal sealed class InMemoryEvidenceChannel : IEvidenceChannel, IAsyncDisposable
{
    private readonly Channel<(EvidenceMessageType, byte[])> _inbox = Channel.CreateUnbounded<(EvidenceMessageType, byte[])>();
    private readonly CancellationTokenSource _stop = new();
    private InMemoryEvidenceChannel? _peer;
    private Func<EvidenceMessageType, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? _handler;
    private readonly Task _pump;
    private int _inFlight;

    private InMemoryEvidenceChannel() => _pump = Task.Run(PumpAsync);

    public bool Drop { get; set; }

    /// <summary>Messages sent by this end, as sent.</summary>
    public List<(EvidenceMessageType Type, byte[] Payload)> Sent { get; } = [];

    public static (InMemoryEvidenceChannel Provider, InMemoryEvidenceChannel Client) Pair()
    {
        var a = new InMemoryEvidenceChannel();
        var b = new InMemoryEvidenceChannel();
        a._peer = b;
        b._peer = a;
        return (a, b);
    }

    public ValueTask SendAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var copy = payload.ToArray();
        lock (Sent)
        {
            Sent.Add((type, copy));
        }

        if (!Drop)
        {
            _peer!.Deliver(type, copy);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Injects a message as if the peer had sent it.</summary>
    public void Deliver(EvidenceMessageType type, byte[] payload)
    {
        Interlocked.Increment(ref _inFlight);
        _inbox.Writer.TryWrite((type, payload));
    }

    public IDisposable Subscribe(Func<EvidenceMessageType, ReadOnlyMemory<byte>, CancellationToken, ValueTask> handler)
    {
        _handler = handler;
        return new Unsubscriber(this);
    }

    /// <summary>Waits until both ends delivered everything sent so far (and what that caused).</summary>
    public async Task SettleAsync()
    {
        for (var i = 0; i < 1000; i++)
        {
            if (Volatile.Read(ref _inFlight) == 0 && Volatile.Read(ref _peer!._inFlight) == 0)
            {
                return;
            }

            await Task.Delay(5);
        }

        throw new TimeoutException("control channel did not settle");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _inbox.Writer.TryComplete();
        try
        {
            await _pump;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        await foreach (var (type, payload) in _inbox.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                if (_handler is { } handler)
                {
                    await handler(type, payload, _stop.Token);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private sealed class Unsubscriber(InMemoryEvidenceChannel channel) : IDisposable
    {
        public void Dispose() => channel._handler = null;
    }
}

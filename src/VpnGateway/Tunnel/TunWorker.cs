using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>The reader of one queue of the TUN device: its batch, the socket its datagrams leave by, its thread.</summary>
internal sealed class TunWorker(int index, ITunDevice queue, IDatagramTransport transport, PacketBatch batch)
{
    // Odd while the worker sends a batch: an ending session waits for it, so nothing of it leaves afterwards.
    public long Generation;

    public int Index { get; } = index;

    public ITunDevice Queue { get; } = queue;

    public IDatagramTransport Transport { get; } = transport;

    public PacketBatch Batch { get; } = batch;

    public Thread? Thread { get; set; }

    /// <summary>Completed when the thread left its loop (a stop awaits it without blocking a thread).</summary>
    public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

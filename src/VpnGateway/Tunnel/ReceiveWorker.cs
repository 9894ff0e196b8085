using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// The receiver of one UDP socket: its batch of datagrams, the packets decrypted from it waiting for the one write into
/// the TUN device at the end of the batch (references into the batch's buffer, never copies), its thread.
/// </summary>
internal sealed class ReceiveWorker(int index, IDatagramTransport transport, int receiveMessages)
{
    private DatagramBatch? _writesOf;
    private PacketBatch? _writes;

    // Odd while the worker handles a batch: an ending session waits for it, so no packet of the session is written to the
    // device after metering closed its last epoch.
    public long Generation;

    public int Index { get; } = index;

    public IDatagramTransport Transport { get; } = transport;

    public DatagramBatch Batch { get; } = new(receiveMessages, receiveMessages * (DatagramBatch.BufferSize / 32));

    public Thread? Thread { get; set; }

    /// <summary>The (empty) list of writes into <paramref name="batch"/>'s buffer; made once per batch object.</summary>
    public PacketBatch WritesFor(DatagramBatch batch)
    {
        if (!ReferenceEquals(_writesOf, batch))
        {
            _writes = new PacketBatch(batch.Buffer, batch.Capacity);
            _writesOf = batch;
        }

        _writes!.Count = 0;
        return _writes;
    }
}

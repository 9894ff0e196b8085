namespace VpnGateway.Tunnel;

/// <summary>
/// The packets of a session held while it starts (its metering starts asynchronously, after the handshake): a client
/// sends its first DNS query or TCP SYN as soon as its keys work, and that packet waits here, bounded, instead of being
/// dropped. Created on the first packet held and gone once the session runs, so a running session carries none of it;
/// the engine then sends every packet through the normal path (source check, policy, metering) in the order it came.
/// </summary>
internal sealed class StartQueue
{
    /// <summary>At most this many packets are held per session (both ways together).</summary>
    public const int MaxPackets = 16;

    /// <summary>At most this many bytes of IP packets are held per session (both ways together).</summary>
    public const int MaxBytes = 32 * 1024;

    private readonly List<byte[]> _fromPeer = [];
    private readonly List<byte[]> _toPeer = [];
    private int _bytes;

    /// <summary>The decrypted packets from the peer, in arrival order (to be written into the device).</summary>
    public IReadOnlyList<byte[]> FromPeer => _fromPeer;

    /// <summary>The packets read from the device for the peer, in arrival order (to be encrypted and sent).</summary>
    public IReadOnlyList<byte[]> ToPeer => _toPeer;

    /// <summary>Packets held.</summary>
    public int Count => _fromPeer.Count + _toPeer.Count;

    /// <summary>Copies <paramref name="packet"/> in; false when the queue is full (the caller drops and counts it).</summary>
    public bool TryAdd(bool fromPeer, ReadOnlySpan<byte> packet)
    {
        if (Count >= MaxPackets || _bytes + packet.Length > MaxBytes)
        {
            return false;
        }

        (fromPeer ? _fromPeer : _toPeer).Add(packet.ToArray());
        _bytes += packet.Length;
        return true;
    }
}

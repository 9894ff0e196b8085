namespace VpnGateway.Tun;

/// <summary>
/// A layer-3 tunnel device seen as batches of IP packets (the narrow interface of wireguard-go's <c>tun.Device</c>).
/// The Linux device hides its offloads behind it: it splits the kernel's 64 KB TCP segments into MTU-sized packets on
/// read, and merges consecutive TCP segments back into one large write.
/// </summary>
internal interface ITunDevice : IDisposable
{
    /// <summary>The interface name, for example <c>oracle0</c>.</summary>
    string Name { get; }

    /// <summary>The MTU: the largest packet read or written.</summary>
    int Mtu { get; }

    /// <summary>
    /// Fills slots 0… of <paramref name="batch"/> (a slot batch) with packets, waiting until at least one arrives.
    /// </summary>
    /// <returns>False when the device was closed or <paramref name="cancellationToken"/> cancelled.</returns>
    bool Read(PacketBatch batch, CancellationToken cancellationToken);

    /// <summary>Writes the packets of <paramref name="batch"/>; each must have <see cref="PacketBatch.Headroom"/> writable bytes before it.</summary>
    /// <returns>How many packets the device refused (counted by the caller as drops).</returns>
    int Write(PacketBatch batch);
}

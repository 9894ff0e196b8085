using VpnGateway.Tun;

namespace VpnGateway.Transport;

/// <summary>The tunnel's underlay: batches of UDP datagrams (an in-memory double in unit tests).</summary>
internal interface IDatagramTransport : IDisposable
{
    /// <summary>The local endpoint the socket is bound to.</summary>
    UdpEndpoint LocalEndpoint { get; }

    /// <summary>Receives one or more datagrams into <paramref name="batch"/>, waiting until at least one arrives.</summary>
    /// <returns>False when the transport was closed or <paramref name="cancellationToken"/> cancelled.</returns>
    bool Receive(DatagramBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the packets of <paramref name="batch"/> (each a whole datagram, described by its offset and length) to
    /// <paramref name="destination"/>. Datagrams that cannot be sent are dropped (UDP semantics).
    /// </summary>
    void Send(PacketBatch batch, UdpEndpoint destination);

    /// <summary>Sends packets <paramref name="start"/>… (<paramref name="count"/> of them) of <paramref name="batch"/>, as <see cref="Send(PacketBatch, UdpEndpoint)"/>.</summary>
    void Send(PacketBatch batch, int start, int count, UdpEndpoint destination);

    /// <summary>Sends one datagram.</summary>
    void Send(ReadOnlySpan<byte> datagram, UdpEndpoint destination);
}

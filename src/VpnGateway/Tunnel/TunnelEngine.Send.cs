using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Protocol;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

internal abstract partial class TunnelEngine
{
    /// <summary>
    /// Encrypts and sends a batch read from the device: each packet goes to the session its address belongs to (longest
    /// prefix match), in runs of consecutive packets of one session (a TCP super-packet's segments are one run).
    /// </summary>
    internal void SendRouted(PacketBatch batch) => SendRouted(batch, PrimaryTransport);

    private void SendRouted(PacketBatch batch, IDatagramTransport transport)
    {
        var count = batch.Count;
        var runStart = 0;
        TunnelSession? runSession = null;
        var array = batch.Buffer.Array;
        for (var i = 0; i < count; i++)
        {
            var session = OutgoingSession(array.AsSpan(batch.Offsets[i], batch.Lengths[i]));
            if (i > 0 && session == runSession)
            {
                continue;
            }

            Flush(batch, runSession, runStart, i - runStart, transport);
            runSession = session;
            runStart = i;
        }

        Flush(batch, runSession, runStart, count - runStart, transport);
    }

    private void Flush(PacketBatch batch, TunnelSession? session, int start, int count, IDatagramTransport transport)
    {
        if (count <= 0)
        {
            return;
        }

        if (session is null)
        {
            Drops.Add(DropReason.NoSession, count);
            return;
        }

        SendRun(session, batch, start, count, transport);
    }

    /// <summary>Encrypts and sends every packet of <paramref name="batch"/> for <paramref name="session"/> (policy first, on the provider).</summary>
    internal void SendBatch(TunnelSession session, PacketBatch batch) => SendRun(session, batch, 0, batch.Count, PrimaryTransport);

    /// <summary>
    /// Encrypts and sends packets <paramref name="start"/>… (<paramref name="count"/>) of <paramref name="batch"/> for
    /// <paramref name="session"/>: the ones the policy lets through are moved together at <paramref name="start"/>,
    /// sealed in place and sent as one run of datagrams.
    /// </summary>
    private void SendRun(TunnelSession session, PacketBatch batch, int start, int count, IDatagramTransport transport)
    {
        if (!session.IsRunning)
        {
            // Still starting: held (or dropped) up to the packet the session runs from, if it started meanwhile.
            var end = start + count;
            while (start < end && HoldWhileStarting(session, fromPeer: false, batch.Packet(start)))
            {
                start++;
            }

            count = end - start;
            if (count == 0)
            {
                return;
            }
        }

        SendRunCore(session, batch, start, count, transport);
    }

    /// <summary>As <see cref="SendRun"/>, for a session that runs (or whose held packets are being carried).</summary>
    private void SendRunCore(TunnelSession session, PacketBatch batch, int start, int count, IDatagramTransport transport)
    {
        var now = Time.GetTimestamp();
        var keypair = session.Current;
        var endpoint = session.Endpoint;
        if (keypair is null || endpoint is null || !IsUsable(keypair, now))
        {
            Drops.Add(DropReason.NoKey, count);
            OnNoKey(session);
            return;
        }

        var mtu = session.Mtu;
        var array = batch.Buffer.Array;
        long unixMilliseconds = 0;
        var sent = 0;
        long bytes = 0;
        for (var i = start; i < start + count; i++)
        {
            var offset = batch.Offsets[i];
            var length = batch.Lengths[i];
            var packet = array.AsSpan(offset, length);
            if (session.Policy is { } policy)
            {
                if (!PacketTuple.TryParse(packet, out var tuple))
                {
                    Drops.Add(DropReason.Malformed);
                    continue;
                }

                if (unixMilliseconds == 0)
                {
                    unixMilliseconds = Time.GetUtcNow().ToUnixTimeMilliseconds();
                }

                if (policy.Check(packet, tuple, TrafficDirection.Inbound, now, unixMilliseconds) is { } denied)
                {
                    Drops.Add(denied);
                    continue;
                }
            }

            var padded = WireFormat.Padded(length, Math.Max(mtu, length));
            array.AsSpan(offset + length, padded - length).Clear();
            batch.Offsets[start + sent] = offset - WireFormat.TransportHeaderSize;
            batch.Lengths[start + sent] = WireFormat.TransportHeaderSize + padded + WireFormat.TagSize;
            sent++;
            bytes += length;
        }

        if (sent == 0)
        {
            return;
        }

        var first = keypair.ReserveCounters(sent);
        lock (keypair.SendLock)
        {
            for (var i = 0; i < sent; i++)
            {
                var message = array.AsSpan(batch.Offsets[start + i], batch.Lengths[start + i]);
                Seal(keypair, MessageType.TransportData, first + (ulong)i, message);
            }
        }

        transport.Send(batch, start, sent, endpoint.Value);
        session.CountSent(sent, bytes);
        session.MarkDataSent(now);
        if (keypair.MessagesSent >= Options.Timings.RekeyAfterMessages)
        {
            OnNoKey(session);
        }
    }

    /// <summary>Sends one transport message (keepalive, control frame) with the session's current keys.</summary>
    protected bool SendMessage(TunnelSession session, MessageType type, ReadOnlySpan<byte> plaintext)
    {
        var now = Time.GetTimestamp();
        var keypair = session.Current;
        var endpoint = session.Endpoint;
        if (keypair is null || endpoint is null || !IsUsable(keypair, now))
        {
            return false;
        }

        var size = WireFormat.TransportOverhead + plaintext.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var message = buffer.AsSpan(0, size);
            plaintext.CopyTo(message[WireFormat.TransportHeaderSize..]);
            var counter = keypair.ReserveCounters(1);
            lock (keypair.SendLock)
            {
                Seal(keypair, type, counter, message);
            }

            PrimaryTransport.Send(message, endpoint.Value);
            session.MarkSent(now);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the header and seals the body of a transport message in place.</summary>
    private static void Seal(Keypair keypair, MessageType type, ulong counter, Span<byte> message)
    {
        message[0] = (byte)type;
        message[1] = 0;
        message[2] = 0;
        message[3] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(message[WireFormat.TransportReceiverIndex..], keypair.RemoteIndex);
        BinaryPrimitives.WriteUInt64BigEndian(message[WireFormat.TransportCounter..], counter);
        keypair.Sender.Seal(counter, message[..WireFormat.TransportHeaderSize],
            message[WireFormat.TransportHeaderSize..^WireFormat.TagSize], message[^WireFormat.TagSize..]);
    }

    private bool IsUsable(Keypair keypair, long now)
        => Time.GetElapsedTime(keypair.Created, now) < Options.Timings.RejectAfterTime
            && keypair.MessagesSent < Options.Timings.RejectAfterMessages;
}

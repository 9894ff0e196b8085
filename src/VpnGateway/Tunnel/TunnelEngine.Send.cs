using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Protocol;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

internal abstract partial class TunnelEngine
{
    private void TunLoop(TunnelSession session)
    {
        var tun = session.Tun!;
        var batch = new PacketBatch(Options.TunBatch, tun.Mtu);
        var token = session.DataStopping.Token;
        try
        {
            while (tun.Read(batch, token))
            {
                SendBatch(session, batch);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!token.IsCancellationRequested)
            {
                Logger.LogError(e, "session {Session}: TUN reader failed", session.SessionId);
            }
        }
        finally
        {
            session.TunReaderStopped.TrySetResult();
        }
    }

    /// <summary>Encrypts and sends the packets read from a session's TUN device (policy first, on the provider).</summary>
    internal void SendBatch(TunnelSession session, PacketBatch batch)
    {
        var now = Time.GetTimestamp();
        var keypair = session.Current;
        var endpoint = session.Endpoint;
        if (keypair is null || endpoint is null || !IsUsable(keypair, now))
        {
            Drops.Add(DropReason.NoKey, batch.Count);
            OnNoKey(session);
            return;
        }

        var mtu = session.Tun?.Mtu ?? Options.Mtu;
        var array = batch.Buffer.Array;
        long unixMilliseconds = 0;
        var count = 0;
        long bytes = 0;
        for (var i = 0; i < batch.Count; i++)
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
            batch.Offsets[count] = offset - WireFormat.TransportHeaderSize;
            batch.Lengths[count] = WireFormat.TransportHeaderSize + padded + WireFormat.TagSize;
            count++;
            bytes += length;
        }

        if (count == 0)
        {
            return;
        }

        batch.Count = count;
        var first = keypair.ReserveCounters(count);
        lock (keypair.SendLock)
        {
            for (var i = 0; i < count; i++)
            {
                var message = array.AsSpan(batch.Offsets[i], batch.Lengths[i]);
                Seal(keypair, MessageType.TransportData, first + (ulong)i, message);
            }
        }

        Services.Transport.Send(batch, endpoint.Value);
        session.CountSent(count, bytes);
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

            Services.Transport.Send(message, endpoint.Value);
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

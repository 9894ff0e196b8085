using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Protocol;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

internal abstract partial class TunnelEngine
{
    private void ReceiveLoop(ReceiveWorker worker)
    {
        var batch = worker.Batch;
        try
        {
            while (worker.Transport.Receive(batch, _stopping.Token))
            {
                ProcessReceived(worker, batch);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!_stopping.IsCancellationRequested)
            {
                Logger.LogCritical(e, "receive worker {Worker} failed", worker.Index);
            }
        }
    }

    /// <summary>Handles one received batch on the first receive worker (tests feed batches here).</summary>
    internal void ProcessReceived(DatagramBatch batch) => ProcessReceived(_receivers[0], batch);

    /// <summary>Handles one received batch: every datagram, then one write of every packet decrypted into the device.</summary>
    private void ProcessReceived(ReceiveWorker worker, DatagramBatch batch)
    {
        Interlocked.Increment(ref worker.Generation);
        try
        {
            ProcessBatch(worker, batch);
        }
        finally
        {
            Interlocked.Increment(ref worker.Generation);
        }
    }

    private void ProcessBatch(ReceiveWorker worker, DatagramBatch batch)
    {
        var now = Time.GetTimestamp();
        var unixMilliseconds = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var writes = worker.WritesFor(batch);
        for (var i = 0; i < batch.Count; i++)
        {
            HandleDatagram(batch, i, writes, now, unixMilliseconds);
        }

        if (writes.Count == 0)
        {
            return;
        }

        var queues = _queues;
        if (queues.Length == 0)
        {
            Drops.Add(DropReason.SessionNotRunning, writes.Count);
        }
        else
        {
            try
            {
                Drops.Add(DropReason.TunWriteRefused, queues[worker.Index % queues.Length].Write(writes));
            }
            catch (ObjectDisposedException)
            {
                Drops.Add(DropReason.TunWriteRefused, writes.Count);
            }
        }

        writes.Count = 0;
    }

    /// <summary>Waits (at most a second) until no worker is in the middle of a batch it started before this call.</summary>
    private async Task WaitForBatchesAsync()
    {
        var deadline = TimeProvider.System.GetTimestamp() + TimeProvider.System.TimestampFrequency;
        foreach (var worker in _receivers)
        {
            await WaitForGenerationAsync(() => Interlocked.Read(ref worker.Generation), deadline).ConfigureAwait(false);
        }

        foreach (var worker in _tunWorkers)
        {
            await WaitForGenerationAsync(() => Interlocked.Read(ref worker.Generation), deadline).ConfigureAwait(false);
        }
    }

    private static async Task WaitForGenerationAsync(Func<long> read, long deadline)
    {
        var generation = read();
        if ((generation & 1) == 0)
        {
            return;
        }

        while (read() == generation && TimeProvider.System.GetTimestamp() < deadline)
        {
            await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void HandleDatagram(DatagramBatch batch, int index, PacketBatch writes, long now, long unixMilliseconds)
    {
        var offset = batch.Offsets[index];
        var datagram = batch.Buffer.Array.AsSpan(offset, batch.Lengths[index]);
        if (datagram.Length < 4)
        {
            Drops.Add(DropReason.TooShort);
            return;
        }

        if ((datagram[1] | datagram[2] | datagram[3]) != 0)
        {
            Drops.Add(DropReason.UnknownType);
            return;
        }

        switch ((MessageType)datagram[0])
        {
            case MessageType.TransportData:
            case MessageType.TransportControl:
                HandleTransport(datagram, offset, batch.Sources[index], writes, now, unixMilliseconds);
                return;
            case MessageType.HandshakeInitiation:
            case MessageType.HandshakeResponse:
            case MessageType.CookieReply:
                EnqueueHandshake(datagram, batch.Sources[index]);
                return;
            default:
                Drops.Add(DropReason.UnknownType);
                return;
        }
    }

    private void EnqueueHandshake(ReadOnlySpan<byte> datagram, UdpEndpoint source)
    {
        var expected = (MessageType)datagram[0] switch
        {
            MessageType.HandshakeInitiation => WireFormat.InitiationSize,
            MessageType.HandshakeResponse => WireFormat.ResponseSize,
            _ => WireFormat.CookieSize,
        };
        if (datagram.Length != expected)
        {
            Drops.Add(DropReason.WrongSize);
            return;
        }

        if (_handshakes.Reader.Count >= HandshakeQueueCapacity)
        {
            Drops.Add(DropReason.HandshakeQueueFull);
            return;
        }

        EnqueueHandshake(datagram.ToArray(), source);
    }

    private void HandleTransport(Span<byte> datagram, int offset, UdpEndpoint source, PacketBatch writes, long now, long unixMilliseconds)
    {
        if (datagram.Length < WireFormat.TransportMinimumSize)
        {
            Drops.Add(DropReason.TooShort);
            return;
        }

        var index = BinaryPrimitives.ReadUInt32BigEndian(datagram[WireFormat.TransportReceiverIndex..]);
        if (!_keypairs.TryGetValue(index, out var keypair))
        {
            Drops.Add(DropReason.UnknownIndex);
            return;
        }

        var timings = Options.Timings;
        var counter = BinaryPrimitives.ReadUInt64BigEndian(datagram[WireFormat.TransportCounter..]);
        if (!keypair.Replay.MayAccept(counter, timings.RejectAfterMessages))
        {
            Drops.Add(DropReason.Replay);
            return;
        }

        if (Time.GetElapsedTime(keypair.Created, now) > timings.RejectAfterTime)
        {
            Drops.Add(DropReason.ExpiredKey);
            return;
        }

        var body = datagram[WireFormat.TransportHeaderSize..^WireFormat.TagSize];

        // One receive worker per peer (the kernel gives a peer's address to one socket); the lock only matters while a
        // roaming peer's datagrams reach two workers at once, and is uncontended otherwise.
        lock (keypair.ReceiveLock)
        {
            if (!keypair.Receiver.Open(counter, datagram[..WireFormat.TransportHeaderSize], body, datagram[^WireFormat.TagSize..]))
            {
                Drops.Add(DropReason.Authentication);
                return;
            }

            if (!keypair.Replay.TryAccept(counter, timings.RejectAfterMessages))
            {
                Drops.Add(DropReason.Replay);
                return;
            }
        }

        keypair.CountReceived();
        var session = keypair.Session;
        if (session.Next == keypair)
        {
            RetireKeypair(session.ConfirmNext(keypair));
            OnKeysConfirmed(session);
        }

        session.SetEndpoint(source);
        session.MarkReceived(now);
        if (datagram[0] == (byte)MessageType.TransportControl)
        {
            if (session.Control is null || !session.Control.OnFrame(body))
            {
                Drops.Add(DropReason.ControlInvalid);
            }

            return;
        }

        if (body.IsEmpty)
        {
            return; // keepalive
        }

        var length = InnerLength(body);
        if (length <= 0)
        {
            Drops.Add(DropReason.Malformed);
            return;
        }

        var packet = body[..length];
        if (!session.IsRunning && HoldWhileStarting(session, fromPeer: true, packet))
        {
            return;
        }

        if (!PacketTuple.TryParse(packet, out var tuple))
        {
            Drops.Add(DropReason.Malformed);
            return;
        }

        if (!session.IsAllowedSource(tuple))
        {
            Drops.Add(DropReason.SourceNotAllowed);
            return;
        }

        if (session.Policy is { } policy && policy.Check(packet, tuple, TrafficDirection.Outbound, now, unixMilliseconds) is { } denied)
        {
            Drops.Add(denied);
            return;
        }

        session.CountReceived(1, length);
        writes.Add(offset + WireFormat.TransportHeaderSize, length);
    }

    /// <summary>The IP length of the inner packet (the rest of the plaintext is padding), or 0 when it does not fit.</summary>
    private static int InnerLength(ReadOnlySpan<byte> body)
    {
        if (body.Length < 20)
        {
            return 0;
        }

        var version = body[0] >> 4;
        var length = version switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(body[2..]),
            6 when body.Length >= 40 => 40 + BinaryPrimitives.ReadUInt16BigEndian(body[4..]),
            _ => 0,
        };
        return length >= 20 && length <= body.Length ? length : 0;
    }
}


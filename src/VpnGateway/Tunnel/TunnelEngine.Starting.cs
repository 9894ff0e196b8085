using Oracle.Core.Policy;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// Data of a session that is still starting (its metering starts asynchronously after the handshake): held in the
/// session's <see cref="StartQueue"/>, bounded, and carried through the normal path once the session runs — a client's
/// first DNS query or TCP SYN is not lost on every connect. Only sessions that start hold anything: the steady-state data
/// path reads one volatile state per packet, as before.
/// </summary>
internal abstract partial class TunnelEngine
{
    private long _heldWhileStarting;

    /// <summary>Packets held while their session started and carried once it ran (or dropped if its start failed).</summary>
    public long HeldWhileStarting => Interlocked.Read(ref _heldWhileStarting);

    /// <summary>
    /// A packet for <paramref name="session"/>, which was not running when the worker looked: held while it starts,
    /// dropped (and counted) when its queue is full or it ends. False when it runs now: the caller carries the packet.
    /// </summary>
    private bool HoldWhileStarting(TunnelSession session, bool fromPeer, ReadOnlySpan<byte> packet)
    {
        switch (session.TryHold(fromPeer, packet))
        {
            case HoldOutcome.Running:
                return false;
            case HoldOutcome.Held:
                Interlocked.Increment(ref _heldWhileStarting);
                return true;
            case HoldOutcome.Full:
                Drops.Add(DropReason.SessionStartingQueueFull);
                return true;
            default:
                Drops.Add(DropReason.SessionNotRunning);
                return true;
        }
    }

    /// <summary>
    /// Starting → Running: carries what was held (from the peer into the device, from the device to the peer) through
    /// the normal checks, before any newer packet of the session (they wait for the session's start lock meanwhile).
    /// </summary>
    private bool RunSession(TunnelSession session) => session.TryStart(held =>
    {
        BeforeSessionRuns(session);
        if (held is null)
        {
            return;
        }

        if (held.FromPeer.Count > 0)
        {
            WriteHeld(session, held.FromPeer);
        }

        if (held.ToPeer.Count > 0)
        {
            var batch = Fill(held.ToPeer);
            SendRunCore(session, batch, 0, batch.Count, PrimaryTransport);
        }
    });

    /// <summary>Called while the session is about to run, before its held packets are carried (the client: starts its device's reader).</summary>
    protected virtual void BeforeSessionRuns(TunnelSession session)
    {
    }

    /// <summary>Drops (and counts) what a session that ends without having run had held.</summary>
    private void DiscardHeld(TunnelSession session) => Drops.Add(DropReason.SessionStartFailed, session.DiscardHeld());

    // As HandleTransport after the decryption: source check, policy (outbound), counters, then one write into the device.
    private void WriteHeld(TunnelSession session, IReadOnlyList<byte[]> packets)
    {
        var batch = Fill(packets);
        var now = Time.GetTimestamp();
        var unixMilliseconds = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var kept = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var packet = batch.Packet(i);
            if (!PacketTuple.TryParse(packet, out var tuple))
            {
                Drops.Add(DropReason.Malformed);
                continue;
            }

            if (!session.IsAllowedSource(tuple))
            {
                Drops.Add(DropReason.SourceNotAllowed);
                continue;
            }

            if (session.Policy is { } policy && policy.Check(packet, tuple, TrafficDirection.Outbound, now, unixMilliseconds) is { } denied)
            {
                Drops.Add(denied);
                continue;
            }

            session.CountReceived(1, packet.Length);
            batch.Offsets[kept] = batch.Offsets[i];
            batch.Lengths[kept] = batch.Lengths[i];
            kept++;
        }

        batch.Count = kept;
        if (kept == 0)
        {
            return;
        }

        var queues = _queues;
        if (queues.Length == 0)
        {
            Drops.Add(DropReason.SessionNotRunning, kept);
            return;
        }

        try
        {
            Drops.Add(DropReason.TunWriteRefused, queues[0].Write(batch));
        }
        catch (ObjectDisposedException)
        {
            Drops.Add(DropReason.TunWriteRefused, kept);
        }
    }

    // The held packets copied into a batch of their own (head- and tailroom for the device's and the transport's headers).
    private static PacketBatch Fill(IReadOnlyList<byte[]> packets)
    {
        var largest = 0;
        foreach (var packet in packets)
        {
            largest = Math.Max(largest, packet.Length);
        }

        var batch = new PacketBatch(packets.Count, largest);
        for (var i = 0; i < packets.Count; i++)
        {
            packets[i].CopyTo(batch.Buffer.Array.AsSpan(batch.Offsets[i]));
            batch.Lengths[i] = packets[i].Length;
        }

        batch.Count = packets.Count;
        return batch;
    }
}

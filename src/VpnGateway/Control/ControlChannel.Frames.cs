using System.Buffers;
using System.Buffers.Binary;

namespace VpnGateway.Control;

/// <summary>Frames on the wire: receiving, acknowledging, reassembling, sending within the window, retransmitting, and a peer's restart.</summary>
internal sealed partial class ControlChannel
{
    /// <summary>Handles a decrypted frame (receive thread). Returns false when it is malformed.</summary>
    public bool OnFrame(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderSize || frame[0] > KindData)
        {
            return false;
        }

        var channel = BinaryPrimitives.ReadUInt64BigEndian(frame[ChannelOffset..]);
        var peer = BinaryPrimitives.ReadUInt64BigEndian(frame[PeerOffset..]);
        var sequence = BinaryPrimitives.ReadUInt64BigEndian(frame[SequenceOffset..]);
        var ack = BinaryPrimitives.ReadUInt64BigEndian(frame[AckOffset..]);
        lock (_lock)
        {
            if (_closed)
            {
                return true;
            }

            if (channel != _peerChannel)
            {
                if (channel < _peerChannel)
                {
                    return true; // a late frame of the peer's previous incarnation
                }

                if (_peerChannel != 0)
                {
                    PeerRestartedLocked();
                }

                _peerChannel = channel;
            }

            if (peer != _localChannel && peer != 0)
            {
                // The peer still numbers for our previous incarnation (this side restarted): tell it who we are.
                SendAckLocked();
                return true;
            }

            Acknowledge(ack);
            if (frame[0] == KindData)
            {
                if (sequence == _expected)
                {
                    if (HasRoomLocked(frame.Length - HeaderSize))
                    {
                        _expected++;
                        Assemble(frame);
                    }
                    else
                    {
                        // Backpressure: refused like an out-of-order frame; the peer retransmits it later.
                        _refusing = true;
                        Interlocked.Increment(ref _inboxRefusals);
                    }
                }

                // Acknowledge every data frame, in order or not (a duplicate means our ack was lost).
                if (!PumpLocked())
                {
                    SendAckLocked();
                }
            }
            else
            {
                if ((frame[FlagsOffset] & FlagResume) != 0)
                {
                    ResumeLocked();
                }

                PumpLocked();
            }
        }

        return true;
    }

    /// <summary>Retransmits what timed out (timer thread).</summary>
    public void OnTick()
    {
        lock (_lock)
        {
            if (_closed || _inflight.Count == 0)
            {
                if (!_closed)
                {
                    PumpLocked();
                }

                return;
            }

            var now = _time.GetTimestamp();
            if (_time.GetElapsedTime(_inflight[0].SentAt, now) < _timeout)
            {
                return;
            }

            // Go-back-N: resend the whole window, back off.
            RetransmitLocked(now);
            _timeout = TimeSpan.FromTicks(Math.Min(_timeout.Ticks * 2, MaxRetransmitTimeout.Ticks));
        }
    }

    private void RetransmitLocked(long now)
    {
        foreach (var frame in _inflight)
        {
            PatchHeader(frame.Data);
            if (!_transmit(frame.Data))
            {
                break;
            }

            frame.SentAt = now;
            Interlocked.Increment(ref _retransmissions);
        }
    }

    // The peer refused our data for a full inbox and has room again: retransmit the window now rather than after the
    // (backed-off) timeout, at most once per MinResumeInterval; the timeout starts over from its initial value.
    private void ResumeLocked()
    {
        _timeout = InitialRetransmitTimeout;
        if (_inflight.Count == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_lastResume != 0 && _time.GetElapsedTime(_lastResume, now) < MinResumeInterval)
        {
            return;
        }

        _lastResume = now;
        RetransmitLocked(now);
    }

    // Whether a data frame with this much payload fits in what the channel holds for its dispatcher.
    private bool HasRoomLocked(int fragment) =>
        _inboxMessages < MaxInboxMessages && _inboxBytes + _assembly.WrittenCount + fragment <= MaxInboxBytes;

    private void Acknowledge(ulong ack)
    {
        var released = false;
        while (_inflight.Count > 0 && _inflight[0].Sequence < ack)
        {
            _inflight[0].Completion?.TrySetResult(ControlSendResult.Delivered);
            _inflight.RemoveAt(0);
            released = true;
        }

        if (released)
        {
            _timeout = InitialRetransmitTimeout;
            var now = _time.GetTimestamp();
            foreach (var frame in _inflight)
            {
                frame.SentAt = now;
            }
        }
    }

    private void Assemble(ReadOnlySpan<byte> frame)
    {
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[TypeOffset..]);
        if (_assembly.WrittenCount == 0)
        {
            _assemblyType = type;
            _assemblyOverflow = false;
        }

        var fragment = frame[HeaderSize..];
        if (type != _assemblyType || _assembly.WrittenCount + fragment.Length > ControlMessageTypes.MaxPayloadSize)
        {
            _assemblyOverflow = true;
        }
        else
        {
            _assembly.Write(fragment);
        }

        if ((frame[FlagsOffset] & FlagLast) != 0)
        {
            if (!_assemblyOverflow && _inbox.Writer.TryWrite(new ControlMessage(SessionId, _assemblyType, _assembly.WrittenSpan.ToArray())))
            {
                _inboxMessages++;
                _inboxBytes += _assembly.WrittenCount;
            }

            _assembly.Clear();
        }
    }

    /// <summary>Sends queued frames while the window has room; true when at least one went out (carrying our ack).</summary>
    private bool PumpLocked()
    {
        var sent = false;
        while (_unsent.Count > 0 && _inflight.Count < Window)
        {
            var frame = _unsent.Peek();
            if (frame.Sequence == 0)
            {
                frame.Sequence = _nextSequence++;
                BinaryPrimitives.WriteUInt64BigEndian(frame.Data.AsSpan(SequenceOffset), frame.Sequence);
            }

            PatchHeader(frame.Data);
            if (!_transmit(frame.Data))
            {
                break;
            }

            _unsent.Dequeue();
            frame.SentAt = _time.GetTimestamp();
            _inflight.Add(frame);
            sent = true;
        }

        return sent;
    }

    private void SendAckLocked(byte flags = 0)
    {
        var ack = new byte[HeaderSize];
        ack[0] = KindAck;
        ack[FlagsOffset] = flags;
        BinaryPrimitives.WriteUInt64BigEndian(ack.AsSpan(ChannelOffset), _localChannel);
        PatchHeader(ack);
        _transmit(ack);
    }

    // Written at every (re)transmission: the peer's channel as known now, and the cumulative ack.
    private void PatchHeader(byte[] frame)
    {
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(PeerOffset), _peerChannel);
        BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(AckOffset), _expected);
    }

    // The peer restarted and kept the session: what was sent to its old incarnation is gone with it (each message's
    // sender learns it was not delivered, and resends what still matters), both directions number from 1 again, and a
    // message half received from the old incarnation is dropped.
    private void PeerRestartedLocked()
    {
        Interlocked.Increment(ref _peerRestarts);
        var lost = 0;
        foreach (var frame in _inflight)
        {
            lost += frame.Completion?.TrySetResult(ControlSendResult.PeerRestarted) == true ? 1 : 0;
        }

        // Whole messages still queued are sent to the new incarnation; a message whose first fragments already went to
        // the old one is dropped with them.
        var partial = _inflight.Count > 0 && _inflight[^1].Completion is null;
        while (partial && _unsent.Count > 0)
        {
            var frame = _unsent.Dequeue();
            partial = frame.Completion is null;
            lost += frame.Completion?.TrySetResult(ControlSendResult.PeerRestarted) == true ? 1 : 0;
        }

        _inflight.Clear();
        _nextSequence = 1;
        _expected = 1;

        // A queued frame may have been numbered for the old incarnation (its send failed, e.g. no keys yet): number it
        // again, in order, for the new one.
        foreach (var frame in _unsent)
        {
            frame.Sequence = 0;
        }

        _assembly.Clear();
        _timeout = InitialRetransmitTimeout;
        _logger.LogInformation("session {Session}: the peer's control channel restarted; {Lost} message(s) sent to its previous incarnation not delivered", SessionId, lost);
    }
}

using System.Buffers.Binary;
using Oracle.Core.Policy;

namespace Oracle.Core.Evidence;

/// <summary>
/// The canonical binary encoding of a <see cref="FlowRecord"/>, version 1: 95 bytes, fixed size, big-endian
/// (docs/protocol.md §5.1). The encoded record is the leaf data of the session's evidence log. Encoding and decoding
/// apply the same rules, so every record that encodes decodes to the same record and back to the same bytes.
/// </summary>
/// <remarks>
/// The first 14 bytes are a fixed header a contract reads without decoding the rest: version (offset 0), session id
/// (offset 1, 8 bytes), verdict (offset 9), rule id (offset 10, 4 bytes).
/// </remarks>
public static class FlowRecordEncoding
{
    /// <summary>The encoding version this class writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>The length of an encoded record.</summary>
    public const int Size = 95;

    /// <summary>Offset of the version byte.</summary>
    public const int VersionOffset = 0;

    /// <summary>Offset of the session id (uint64).</summary>
    public const int SessionIdOffset = 1;

    /// <summary>Offset of the verdict byte.</summary>
    public const int VerdictOffset = 9;

    /// <summary>Offset of the rule id (uint32).</summary>
    public const int RuleIdOffset = 10;

    private const int DirectionOffset = 14;
    private const int IpVersionOffset = 15;
    private const int ProtocolOffset = 16;
    private const int TcpFlagsOffset = 17;
    private const int EndReasonOffset = 18;
    private const int SourceAddressOffset = 19;
    private const int DestinationAddressOffset = 35;
    private const int SourcePortOffset = 51;
    private const int DestinationPortOffset = 53;
    private const int FirstSeenOffset = 55;
    private const int LastSeenOffset = 63;
    private const int PacketsOffset = 71;
    private const int OctetsOffset = 79;
    private const int PayloadOctetsOffset = 87;

    /// <summary>Writes the canonical encoding of <paramref name="record"/> into <paramref name="destination"/>.</summary>
    /// <returns><see cref="FlowRecordError.None"/>, or why the record cannot be encoded (nothing is written then).</returns>
    public static FlowRecordError TryEncode(in FlowRecord record, Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            return FlowRecordError.WrongLength;
        }

        var error = Validate(record);
        if (error != FlowRecordError.None)
        {
            return error;
        }

        destination[VersionOffset] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(destination[SessionIdOffset..], record.SessionId);
        destination[VerdictOffset] = (byte)record.Verdict;
        BinaryPrimitives.WriteUInt32BigEndian(destination[RuleIdOffset..], record.RuleId);
        destination[DirectionOffset] = (byte)record.Direction;
        destination[IpVersionOffset] = record.IpVersion;
        destination[ProtocolOffset] = record.Protocol;
        destination[TcpFlagsOffset] = record.TcpFlags;
        destination[EndReasonOffset] = (byte)record.EndReason;
        BinaryPrimitives.WriteUInt128BigEndian(destination[SourceAddressOffset..], record.SourceAddress);
        BinaryPrimitives.WriteUInt128BigEndian(destination[DestinationAddressOffset..], record.DestinationAddress);
        BinaryPrimitives.WriteUInt16BigEndian(destination[SourcePortOffset..], record.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[DestinationPortOffset..], record.DestinationPort);
        BinaryPrimitives.WriteUInt64BigEndian(destination[FirstSeenOffset..], (ulong)record.FirstSeenMs);
        BinaryPrimitives.WriteUInt64BigEndian(destination[LastSeenOffset..], (ulong)record.LastSeenMs);
        BinaryPrimitives.WriteUInt64BigEndian(destination[PacketsOffset..], record.Packets);
        BinaryPrimitives.WriteUInt64BigEndian(destination[OctetsOffset..], record.Octets);
        BinaryPrimitives.WriteUInt64BigEndian(destination[PayloadOctetsOffset..], record.PayloadOctets);
        return FlowRecordError.None;
    }

    /// <summary>The canonical encoding of <paramref name="record"/>.</summary>
    /// <exception cref="ArgumentException">The record breaks a rule of the encoding (the message names it).</exception>
    public static byte[] Encode(in FlowRecord record)
    {
        var bytes = new byte[Size];
        var error = TryEncode(record, bytes);
        return error == FlowRecordError.None
            ? bytes
            : throw new ArgumentException($"flow record cannot be encoded: {Describe(error)}", nameof(record));
    }

    /// <summary>Decodes a canonical record, strictly: exactly <see cref="Size"/> bytes and every rule of the encoding.</summary>
    /// <returns><see cref="FlowRecordError.None"/> with the record, or why the bytes are not a valid record.</returns>
    public static FlowRecordError TryDecode(ReadOnlySpan<byte> encoded, out FlowRecord record)
    {
        record = default;
        if (encoded.Length != Size)
        {
            return FlowRecordError.WrongLength;
        }

        if (encoded[VersionOffset] != Version)
        {
            return FlowRecordError.UnsupportedVersion;
        }

        var firstSeen = BinaryPrimitives.ReadUInt64BigEndian(encoded[FirstSeenOffset..]);
        var lastSeen = BinaryPrimitives.ReadUInt64BigEndian(encoded[LastSeenOffset..]);
        if (firstSeen > long.MaxValue || lastSeen > long.MaxValue)
        {
            return FlowRecordError.TimeOutOfRange;
        }

        var decoded = new FlowRecord(
            SessionId: BinaryPrimitives.ReadUInt64BigEndian(encoded[SessionIdOffset..]),
            Verdict: (FlowVerdict)encoded[VerdictOffset],
            RuleId: BinaryPrimitives.ReadUInt32BigEndian(encoded[RuleIdOffset..]),
            Direction: (TrafficDirection)encoded[DirectionOffset],
            IpVersion: encoded[IpVersionOffset],
            Protocol: encoded[ProtocolOffset],
            TcpFlags: encoded[TcpFlagsOffset],
            EndReason: (FlowEndReason)encoded[EndReasonOffset],
            SourceAddress: BinaryPrimitives.ReadUInt128BigEndian(encoded[SourceAddressOffset..]),
            DestinationAddress: BinaryPrimitives.ReadUInt128BigEndian(encoded[DestinationAddressOffset..]),
            SourcePort: BinaryPrimitives.ReadUInt16BigEndian(encoded[SourcePortOffset..]),
            DestinationPort: BinaryPrimitives.ReadUInt16BigEndian(encoded[DestinationPortOffset..]),
            FirstSeenMs: (long)firstSeen,
            LastSeenMs: (long)lastSeen,
            Packets: BinaryPrimitives.ReadUInt64BigEndian(encoded[PacketsOffset..]),
            Octets: BinaryPrimitives.ReadUInt64BigEndian(encoded[OctetsOffset..]),
            PayloadOctets: BinaryPrimitives.ReadUInt64BigEndian(encoded[PayloadOctetsOffset..]));
        var error = Validate(decoded);
        if (error == FlowRecordError.None)
        {
            record = decoded;
        }

        return error;
    }

    /// <summary>The session id of an encoded record, read from its fixed header (no other check).</summary>
    public static ulong PeekSessionId(ReadOnlySpan<byte> encoded)
        => BinaryPrimitives.ReadUInt64BigEndian(encoded.Slice(SessionIdOffset, sizeof(ulong)));

    /// <summary>Checks the rules of the encoding (docs/protocol.md §5.1) on a record.</summary>
    public static FlowRecordError Validate(in FlowRecord record)
    {
        if (record.Verdict is not (FlowVerdict.Allowed or FlowVerdict.Denied))
        {
            return FlowRecordError.UnknownVerdict;
        }

        if (record.Verdict == FlowVerdict.Allowed && record.RuleId != 0)
        {
            return FlowRecordError.RuleIdWithoutDenial;
        }

        if (record.Direction is not (TrafficDirection.Outbound or TrafficDirection.Inbound))
        {
            return FlowRecordError.UnknownDirection;
        }

        if (record.IpVersion is not (4 or 6))
        {
            return FlowRecordError.UnknownIpVersion;
        }

        if (record.IpVersion == 4 && !(IpNumber.IsIPv4Mapped(record.SourceAddress) && IpNumber.IsIPv4Mapped(record.DestinationAddress)))
        {
            return FlowRecordError.NotIPv4Mapped;
        }

        if (record.TcpFlags != 0 && record.Protocol != 6)
        {
            return FlowRecordError.TcpFlagsWithoutTcp;
        }

        switch (PortsOf(record.Protocol))
        {
            case PortKind.None when record.SourcePort != 0 || record.DestinationPort != 0:
            case PortKind.IcmpTypeCode when record.SourcePort != 0:
                return FlowRecordError.PortsNotApplicable;
        }

        if (record.EndReason is < FlowEndReason.IdleTimeout or > FlowEndReason.LackOfResources)
        {
            return FlowRecordError.UnknownEndReason;
        }

        if (record.FirstSeenMs < 0 || record.LastSeenMs < 0)
        {
            return FlowRecordError.TimeOutOfRange;
        }

        if (record.LastSeenMs < record.FirstSeenMs)
        {
            return FlowRecordError.TimeReversed;
        }

        if (record.Packets == 0)
        {
            return FlowRecordError.NoPackets;
        }

        // octets >= payload + packets * minimal IP header, computed without overflow.
        var headerBytes = record.IpVersion == 4 ? 20UL : 40UL;
        if (record.Packets > ulong.MaxValue / headerBytes
            || record.Octets < record.PayloadOctets
            || record.Octets - record.PayloadOctets < record.Packets * headerBytes)
        {
            return FlowRecordError.OctetsTooSmall;
        }

        return FlowRecordError.None;
    }

    /// <summary>Whether the transport protocol carries ports in a record (TCP, UDP, DCCP, SCTP, UDP-Lite).</summary>
    public static bool HasPorts(byte protocol) => PortsOf(protocol) == PortKind.Ports;

    /// <summary>Whether the protocol is ICMP or ICMPv6, whose type and code go in the destination port.</summary>
    public static bool IsIcmp(byte protocol) => PortsOf(protocol) == PortKind.IcmpTypeCode;

    /// <summary>A human-readable reason for <paramref name="error"/>.</summary>
    public static string Describe(FlowRecordError error) => error switch
    {
        FlowRecordError.None => "valid",
        FlowRecordError.WrongLength => $"an encoded flow record has exactly {Size} bytes",
        FlowRecordError.UnsupportedVersion => $"unsupported flow record version (expected {Version})",
        FlowRecordError.UnknownVerdict => "verdict must be 0 (allowed) or 1 (denied)",
        FlowRecordError.RuleIdWithoutDenial => "an allowed record must have rule id 0",
        FlowRecordError.UnknownDirection => "direction must be 0 (outbound) or 1 (inbound)",
        FlowRecordError.UnknownIpVersion => "IP version must be 4 or 6",
        FlowRecordError.NotIPv4Mapped => "an IPv4 record's addresses must be IPv4-mapped (::ffff:a.b.c.d)",
        FlowRecordError.TcpFlagsWithoutTcp => "TCP flags are only allowed on TCP records",
        FlowRecordError.PortsNotApplicable => "ports must be 0 for this protocol (ICMP: source port 0)",
        FlowRecordError.UnknownEndReason => "end reason must be 1..5",
        FlowRecordError.TimeOutOfRange => "times must be non-negative Unix milliseconds below 2^63",
        FlowRecordError.TimeReversed => "last seen is before first seen",
        FlowRecordError.NoPackets => "a record has at least one packet",
        FlowRecordError.OctetsTooSmall => "octets must cover the payload plus one minimal IP header per packet",
        _ => $"unknown error {(int)error}",
    };

    private static PortKind PortsOf(byte protocol) => protocol switch
    {
        6 or 17 or 33 or 132 or 136 => PortKind.Ports,
        1 or 58 => PortKind.IcmpTypeCode,
        _ => PortKind.None,
    };

    private enum PortKind
    {
        None,
        Ports,
        IcmpTypeCode,
    }
}

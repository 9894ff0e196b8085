namespace Oracle.Core.Evidence;

/// <summary>Why a flow record could not be encoded or decoded (<see cref="FlowRecordEncoding"/>).</summary>
public enum FlowRecordError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The encoded record does not have <see cref="FlowRecordEncoding.Size"/> bytes (or the destination is too small).</summary>
    WrongLength,

    /// <summary>The version byte is not <see cref="FlowRecordEncoding.Version"/>.</summary>
    UnsupportedVersion,

    /// <summary>The verdict is neither allowed nor denied.</summary>
    UnknownVerdict,

    /// <summary>An allowed record carries a rule id (only denied records name a rule).</summary>
    RuleIdWithoutDenial,

    /// <summary>The direction is neither outbound nor inbound.</summary>
    UnknownDirection,

    /// <summary>The IP version is neither 4 nor 6.</summary>
    UnknownIpVersion,

    /// <summary>An IPv4 record's address is not in the IPv4-mapped form <c>::ffff:a.b.c.d</c>.</summary>
    NotIPv4Mapped,

    /// <summary>TCP flags on a record whose protocol is not TCP.</summary>
    TcpFlagsWithoutTcp,

    /// <summary>Ports on a protocol that has none (or a source port on ICMP).</summary>
    PortsNotApplicable,

    /// <summary>The end reason is not one of <see cref="FlowEndReason"/>.</summary>
    UnknownEndReason,

    /// <summary>A time is negative or does not fit a signed 64-bit millisecond count.</summary>
    TimeOutOfRange,

    /// <summary>The last packet is earlier than the first.</summary>
    TimeReversed,

    /// <summary>A record of zero packets.</summary>
    NoPackets,

    /// <summary>Fewer octets than the packets' IP headers and payload need.</summary>
    OctetsTooSmall,
}

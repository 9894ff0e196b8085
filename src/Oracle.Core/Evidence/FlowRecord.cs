using System.Net;
using System.Net.Sockets;
using Oracle.Core.Policy;

namespace Oracle.Core.Evidence;

/// <summary>
/// The packets of one unidirectional flow of a session seen during one interval (IPFIX / NetFlow v9 style). Its
/// canonical binary form (<see cref="FlowRecordEncoding"/>, docs/protocol.md §5.1) is a leaf of the session's evidence log.
/// </summary>
/// <remarks>
/// Addresses are held as 128-bit big-endian numbers: IPv6 as is, IPv4 in the IPv4-mapped form <c>::ffff:a.b.c.d</c>
/// (<see cref="IpNumber"/>, the numbering prefixes and packet tuples use too), so a record is a plain value without references.
/// </remarks>
/// <param name="SessionId">The session, as numbered by the SessionManager.</param>
/// <param name="Verdict">Whether the packets were forwarded or denied.</param>
/// <param name="RuleId">The denying policy rule (0 when allowed).</param>
/// <param name="Direction">Which way the flow crossed the gateway.</param>
/// <param name="IpVersion">4 or 6.</param>
/// <param name="Protocol">IANA protocol number of the transport header.</param>
/// <param name="TcpFlags">OR of the TCP flags of every packet (0 unless TCP).</param>
/// <param name="EndReason">Why the record was closed.</param>
/// <param name="SourceAddress">Source address (IPv4-mapped for IPv4).</param>
/// <param name="DestinationAddress">Destination address (IPv4-mapped for IPv4).</param>
/// <param name="SourcePort">Source port (0 for protocols without ports and for ICMP).</param>
/// <param name="DestinationPort">Destination port, or ICMP <c>type × 256 + code</c>.</param>
/// <param name="FirstSeenMs">Unix time in milliseconds of the first packet.</param>
/// <param name="LastSeenMs">Unix time in milliseconds of the last packet.</param>
/// <param name="Packets">Number of packets.</param>
/// <param name="Octets">IP-layer bytes, headers included.</param>
/// <param name="PayloadOctets">Bytes after the transport header.</param>
public readonly record struct FlowRecord(
    ulong SessionId,
    FlowVerdict Verdict,
    uint RuleId,
    TrafficDirection Direction,
    byte IpVersion,
    byte Protocol,
    byte TcpFlags,
    FlowEndReason EndReason,
    UInt128 SourceAddress,
    UInt128 DestinationAddress,
    ushort SourcePort,
    ushort DestinationPort,
    long FirstSeenMs,
    long LastSeenMs,
    ulong Packets,
    ulong Octets,
    ulong PayloadOctets)
{
    /// <summary>The source address as an <see cref="IPAddress"/> (IPv4 for IPv4 records).</summary>
    public IPAddress Source => Display(SourceAddress);

    /// <summary>The destination address as an <see cref="IPAddress"/> (IPv4 for IPv4 records).</summary>
    public IPAddress Destination => Display(DestinationAddress);

    /// <summary>
    /// What the session's policy looks at in the packets this record counts (docs/protocol.md §6.3): family, addresses,
    /// protocol and, for TCP and UDP, the ports unless both are 0 (a later fragment's record carries ports 0/0, and
    /// <see cref="PacketTuple.TryParse"/> evaluates a 0/0 packet without ports too). Every packet of the record gives
    /// this tuple, so <see cref="PolicyEvaluator"/> on it gives the verdict the gateway gave each packet
    /// (<see cref="FlowRecordPolicy"/>).
    /// </summary>
    public PacketTuple ToPacketTuple()
    {
        var hasPorts = Protocol is PacketTuple.Tcp or PacketTuple.Udp && (SourcePort | DestinationPort) != 0;
        return new PacketTuple(IpVersion == 6, SourceAddress, DestinationAddress, Protocol, hasPorts,
            hasPorts ? SourcePort : (ushort)0, hasPorts ? DestinationPort : (ushort)0);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var proto = Protocol switch
        {
            6 => "tcp",
            17 => "udp",
            1 => "icmp",
            58 => "icmp6",
            _ => Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var family = IpVersion == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        var (open, close) = family == AddressFamily.InterNetworkV6 ? ("[", "]") : (string.Empty, string.Empty);
        return $"session {SessionId} {Direction} {proto} {open}{Source}{close}:{SourcePort} -> {open}{Destination}{close}:{DestinationPort} " +
            $"{Packets} pkts {Octets} B ({PayloadOctets} B payload) {Verdict}{(Verdict == FlowVerdict.Denied ? $" rule {RuleId}" : string.Empty)} end {EndReason}";
    }

    // An invalid record (an IPv4 one whose address is not mapped) is still shown, as IPv6.
    private IPAddress Display(UInt128 address) => IpNumber.ToIPAddress(address, IpVersion != 4 || !IpNumber.IsIPv4Mapped(address));
}

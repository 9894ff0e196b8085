using System.Buffers.Binary;
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
/// (see <see cref="MapIPv4(uint)"/>), so a record is a plain value without references.
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
    private static readonly UInt128 MappedPrefix = new(0, 0xFFFF_0000_0000);

    /// <summary>The source address as an <see cref="IPAddress"/> (IPv4 for IPv4 records).</summary>
    public IPAddress Source => ToIPAddress(SourceAddress, IpVersion);

    /// <summary>The destination address as an <see cref="IPAddress"/> (IPv4 for IPv4 records).</summary>
    public IPAddress Destination => ToIPAddress(DestinationAddress, IpVersion);

    /// <summary>The IPv4-mapped form <c>::ffff:a.b.c.d</c> of an IPv4 address given as a big-endian number.</summary>
    public static UInt128 MapIPv4(uint address) => MappedPrefix | address;

    /// <summary>Whether <paramref name="address"/> is in the IPv4-mapped form.</summary>
    public static bool IsIPv4Mapped(UInt128 address) => (address >> 32) == (MappedPrefix >> 32);

    /// <summary>Reads a 4-byte (IPv4, mapped) or 16-byte (IPv6) network-order address.</summary>
    public static UInt128 ReadAddress(ReadOnlySpan<byte> address) => address.Length switch
    {
        4 => MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(address)),
        16 => BinaryPrimitives.ReadUInt128BigEndian(address),
        _ => throw new ArgumentException("an IP address has 4 or 16 bytes", nameof(address)),
    };

    /// <summary>The 128-bit form of <paramref name="address"/> (IPv4 addresses mapped).</summary>
    public static UInt128 FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("not an IPv4 or IPv6 address", nameof(address));
        }

        return ReadAddress(bytes[..written]);
    }

    /// <summary>The <see cref="IPAddress"/> of a 128-bit address; IPv4 when <paramref name="ipVersion"/> is 4.</summary>
    public static IPAddress ToIPAddress(UInt128 address, byte ipVersion)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return ipVersion == 4 && IsIPv4Mapped(address) ? new IPAddress(bytes[12..]) : new IPAddress(bytes);
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
}

using System.Buffers.Binary;
using System.Net;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Evidence;

public sealed class FlowRecordEncodingTests
{
    public static TheoryData<string> ValidNames() => [.. FlowRecordVectors.Valid.Select(v => v.GetProperty("name").GetString()!)];

    public static TheoryData<string> InvalidNames() => [.. FlowRecordVectors.Invalid.Select(v => v.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void Encode_ValidVector_MatchesIndependentEncoding(string name)
    {
        var vector = FlowRecordVectors.Valid.Single(v => v.GetProperty("name").GetString() == name);
        var record = FlowRecordVectors.ToRecord(vector);

        var encoded = FlowRecordEncoding.Encode(record);

        Assert.Equal(vector.GetProperty("encoded").GetString(), Convert.ToHexStringLower(encoded));
        Assert.Equal(vector.GetProperty("leafHash").GetString(), Convert.ToHexStringLower(MerkleHash.Leaf(encoded)));
    }

    [Theory]
    [MemberData(nameof(ValidNames))]
    public void TryDecode_ValidVector_GivesTheFields(string name)
    {
        var vector = FlowRecordVectors.Valid.Single(v => v.GetProperty("name").GetString() == name);

        var error = FlowRecordEncoding.TryDecode(Convert.FromHexString(vector.GetProperty("encoded").GetString()!), out var record);

        Assert.Equal(FlowRecordError.None, error);
        Assert.Equal(FlowRecordVectors.ToRecord(vector), record);
        Assert.Equal(IPAddress.Parse(vector.GetProperty("source").GetString()!), record.Source);
        Assert.Equal(IPAddress.Parse(vector.GetProperty("destination").GetString()!), record.Destination);
    }

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public void TryDecode_InvalidVector_RejectedWithTheReason(string name)
    {
        var vector = FlowRecordVectors.Invalid.Single(v => v.GetProperty("name").GetString() == name);
        var expected = Enum.Parse<FlowRecordError>(vector.GetProperty("error").GetString()!);

        var error = FlowRecordEncoding.TryDecode(Convert.FromHexString(vector.GetProperty("encoded").GetString()!), out var record);

        Assert.Equal(expected, error);
        Assert.Equal(default, record);
        Assert.NotEqual("valid", FlowRecordEncoding.Describe(error));
    }

    [Fact]
    public void EncodeDecode_RandomValidRecords_RoundTripToSameBytes()
    {
        var random = new Random(20240501);
        var buffer = new byte[FlowRecordEncoding.Size];
        for (var i = 0; i < 20_000; i++)
        {
            var record = RandomRecord(random);

            Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryEncode(record, buffer));
            Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(buffer, out var decoded));
            Assert.Equal(record, decoded);
            Assert.Equal(buffer, FlowRecordEncoding.Encode(decoded));
        }
    }

    [Fact]
    public void Encode_AnyRecord_PutsTheFixedHeaderAtTheDocumentedOffsets()
    {
        var record = RandomRecord(new Random(7)) with { SessionId = 0x0102030405060708, Verdict = FlowVerdict.Denied, RuleId = 0xA1B2C3D4 };

        var encoded = FlowRecordEncoding.Encode(record);

        Assert.Equal(FlowRecordEncoding.Size, encoded.Length);
        Assert.Equal(1, encoded[0]);
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64BigEndian(encoded.AsSpan(1)));
        Assert.Equal(1, encoded[9]);
        Assert.Equal(0xA1B2C3D4U, BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(10)));
        Assert.Equal(0x0102030405060708UL, FlowRecordEncoding.PeekSessionId(encoded));
    }

    [Fact]
    public void Encode_RecordBreakingARule_ThrowsWithTheReason()
    {
        var record = RandomRecord(new Random(3)) with { Verdict = FlowVerdict.Allowed, RuleId = 9 };

        var e = Assert.Throws<ArgumentException>(() => FlowRecordEncoding.Encode(record));

        Assert.Contains("rule id 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryEncode_DestinationTooSmall_WritesNothing()
    {
        var buffer = new byte[FlowRecordEncoding.Size - 1];

        var error = FlowRecordEncoding.TryEncode(RandomRecord(new Random(4)), buffer);

        Assert.Equal(FlowRecordError.WrongLength, error);
        Assert.All(buffer, b => Assert.Equal(0, b));
    }

    [Fact]
    public void TryEncode_IPv4RecordWithUnmappedAddress_Rejected()
    {
        var record = RandomRecord(new Random(5)) with { IpVersion = 4, SourceAddress = IpNumber.From(IPAddress.Parse("2001:db8::1")) };

        Assert.Equal(FlowRecordError.NotIPv4Mapped, FlowRecordEncoding.TryEncode(record, new byte[FlowRecordEncoding.Size]));
    }

    [Fact]
    public void TryEncode_OctetCountsNearOverflow_RejectedNotWrapped()
    {
        var record = RandomRecord(new Random(6)) with { IpVersion = 6, Packets = ulong.MaxValue / 20, Octets = ulong.MaxValue, PayloadOctets = 0 };

        Assert.Equal(FlowRecordError.OctetsTooSmall, FlowRecordEncoding.Validate(record));
    }

    [Fact]
    public void ToString_DeniedRecord_NamesRuleAndEndpoints()
    {
        var record = FlowRecordVectors.ToRecord(FlowRecordVectors.Valid.Single(v => v.GetProperty("verdict").GetByte() == 1 && v.GetProperty("ipVersion").GetByte() == 4));

        var text = record.ToString();

        Assert.Contains("198.18.0.2:50123 -> 198.18.1.5:445", text, StringComparison.Ordinal);
        Assert.Contains("Denied rule 3", text, StringComparison.Ordinal);
    }

    /// <summary>An allowed outbound IPv4 TCP record from 198.18.0.2:40000 to 198.19.0.1:443 of session 42.</summary>
    internal static FlowRecord ValidRecord() => new(42, FlowVerdict.Allowed, 0, TrafficDirection.Outbound, 4, 6, 0x12, FlowEndReason.IdleTimeout,
        IpNumber.MapIPv4(0xC6120002), IpNumber.MapIPv4(0xC6130001), 40000, 443, 1_700_000_000_000, 1_700_000_000_500, 3, 300, 180);

    internal static FlowRecord RandomRecord(Random random)
    {
        var ipVersion = random.Next(2) == 0 ? (byte)4 : (byte)6;
        byte[] protocols = [6, 17, 1, 58, 47, 132, 50];
        var protocol = protocols[random.Next(protocols.Length)];
        UInt128 Address()
        {
            if (ipVersion == 4)
            {
                return IpNumber.MapIPv4((uint)random.NextInt64(0, 1L << 32));
            }

            Span<byte> b = stackalloc byte[16];
            random.NextBytes(b);
            return BinaryPrimitives.ReadUInt128BigEndian(b);
        }

        var ports = FlowRecordEncoding.HasPorts(protocol);
        var icmp = FlowRecordEncoding.IsIcmp(protocol);
        var denied = random.Next(4) == 0;
        var packets = (ulong)random.NextInt64(1, 1_000_000);
        var payload = (ulong)random.NextInt64(0, 1L << 40);
        var first = random.NextInt64(0, 1L << 45);
        return new FlowRecord(
            SessionId: (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63),
            Verdict: denied ? FlowVerdict.Denied : FlowVerdict.Allowed,
            RuleId: denied ? (uint)random.NextInt64(0, 1L << 32) : 0,
            Direction: (TrafficDirection)random.Next(2),
            IpVersion: ipVersion,
            Protocol: protocol,
            TcpFlags: protocol == 6 ? (byte)random.Next(256) : (byte)0,
            EndReason: (FlowEndReason)random.Next(1, 6),
            SourceAddress: Address(),
            DestinationAddress: Address(),
            SourcePort: ports ? (ushort)random.Next(65536) : (ushort)0,
            DestinationPort: ports || icmp ? (ushort)random.Next(65536) : (ushort)0,
            FirstSeenMs: first,
            LastSeenMs: first + random.NextInt64(0, 3_600_000),
            Packets: packets,
            Octets: payload + (packets * 60) + (ulong)random.Next(1000),
            PayloadOctets: payload);
    }
}

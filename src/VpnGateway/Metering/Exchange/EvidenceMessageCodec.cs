using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace VpnGateway.Metering.Exchange;

/// <summary>
/// The binary form of the evidence messages (docs/protocol.md §5.3): big-endian, a version byte first, signatures as
/// their 65 raw bytes. Parsing is strict and returns an error text instead of throwing.
/// </summary>
internal static class EvidenceMessageCodec
{
    public const byte Version = 1;
    public const int SignatureSize = 65;
    public const int MaxDetailBytes = 1024;
    private const int EpochHeaderSize = 1 + 8 + 8 + 8 + 8 + 32 + 8 + 8 + SignatureSize + 4;
    private const int VoucherSize = 1 + 8 + 8 + 32 + 8 + 8 + 32 + SignatureSize;
    private const int EvidenceKeySize = 1 + 8 + RecordSealer.KeySize + SignatureSize;

    public static byte[] Encode(EpochMessage m)
    {
        var bytes = new byte[EpochHeaderSize + (m.Records.Count * FlowRecordEncoding.Size)];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], m.SessionId);
        BinaryPrimitives.WriteUInt64BigEndian(s[9..], m.Sequence);
        BinaryPrimitives.WriteUInt64BigEndian(s[17..], m.FirstLeafIndex);
        BinaryPrimitives.WriteUInt64BigEndian(s[25..], m.Checkpoint.TreeSize);
        m.Checkpoint.Root.CopyTo(s[33..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[65..], m.Checkpoint.EpochTime);
        BinaryPrimitives.WriteUInt64BigEndian(s[73..], m.Checkpoint.CaptureDrops);
        WriteSignature(m.Checkpoint.Signature, s.Slice(81, SignatureSize));
        BinaryPrimitives.WriteUInt32BigEndian(s[146..], (uint)m.Records.Count);
        var at = EpochHeaderSize;
        foreach (var record in m.Records)
        {
            record.CopyTo(s[at..]);
            at += FlowRecordEncoding.Size;
        }

        return bytes;
    }

    public static string? TryDecode(ReadOnlySpan<byte> s, out EpochMessage? message)
    {
        message = null;
        if (s.Length < EpochHeaderSize)
        {
            return $"epoch message of {s.Length} bytes is shorter than its {EpochHeaderSize}-byte header";
        }

        if (s[0] != Version)
        {
            return $"epoch message version {s[0]} (expected {Version})";
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(s[146..]);
        if ((ulong)s.Length != EpochHeaderSize + ((ulong)count * FlowRecordEncoding.Size))
        {
            return $"epoch message announces {count} records but has {s.Length - EpochHeaderSize} bytes of records";
        }

        var records = new byte[count][];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = s.Slice(EpochHeaderSize + (i * FlowRecordEncoding.Size), FlowRecordEncoding.Size).ToArray();
        }

        message = new EpochMessage(
            BinaryPrimitives.ReadUInt64BigEndian(s[1..]),
            BinaryPrimitives.ReadUInt64BigEndian(s[9..]),
            BinaryPrimitives.ReadUInt64BigEndian(s[17..]),
            records,
            new SignedCheckpoint
            {
                TreeSize = BinaryPrimitives.ReadUInt64BigEndian(s[25..]),
                Root = s.Slice(33, MerkleHash.Size).ToArray(),
                EpochTime = BinaryPrimitives.ReadUInt64BigEndian(s[65..]),
                CaptureDrops = BinaryPrimitives.ReadUInt64BigEndian(s[73..]),
                Signature = "0x" + Convert.ToHexStringLower(s.Slice(81, SignatureSize)),
            });
        return null;
    }

    public static byte[] Encode(VoucherMessage m)
    {
        var bytes = new byte[VoucherSize];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], m.SessionId);
        BinaryPrimitives.WriteUInt64BigEndian(s[9..], m.Sequence);
        var amount = BigInteger.Parse(m.Voucher.CumulativeAmount, NumberStyles.None, CultureInfo.InvariantCulture);
        if (amount.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentException("voucher amount exceeds uint256", nameof(m));
        }

        amount.TryWriteBytes(s.Slice(17, 32)[(32 - amount.GetByteCount(isUnsigned: true))..], out _, isUnsigned: true, isBigEndian: true);
        BinaryPrimitives.WriteUInt64BigEndian(s[49..], m.Voucher.CumulativeBytes);
        BinaryPrimitives.WriteUInt64BigEndian(s[57..], m.Voucher.LogSize);
        m.Voucher.LogRoot.CopyTo(s[65..]);
        WriteSignature(m.Voucher.Signature, s.Slice(97, SignatureSize));
        return bytes;
    }

    public static string? TryDecode(ReadOnlySpan<byte> s, out VoucherMessage? message)
    {
        message = null;
        if (s.Length != VoucherSize)
        {
            return $"voucher message has {s.Length} bytes (expected {VoucherSize})";
        }

        if (s[0] != Version)
        {
            return $"voucher message version {s[0]} (expected {Version})";
        }

        var amount = new BigInteger(s.Slice(17, 32), isUnsigned: true, isBigEndian: true);
        message = new VoucherMessage(
            BinaryPrimitives.ReadUInt64BigEndian(s[1..]),
            BinaryPrimitives.ReadUInt64BigEndian(s[9..]),
            new SignedVoucher
            {
                CumulativeAmount = amount.ToString(CultureInfo.InvariantCulture),
                CumulativeBytes = BinaryPrimitives.ReadUInt64BigEndian(s[49..]),
                LogSize = BinaryPrimitives.ReadUInt64BigEndian(s[57..]),
                LogRoot = s.Slice(65, MerkleHash.Size).ToArray(),
                Signature = "0x" + Convert.ToHexStringLower(s.Slice(97, SignatureSize)),
            });
        return null;
    }

    public static byte[] Encode(RejectionMessage m)
    {
        var detail = Encoding.UTF8.GetBytes(m.Detail);
        if (detail.Length > MaxDetailBytes)
        {
            detail = detail[..MaxDetailBytes];
        }

        var bytes = new byte[1 + 8 + 8 + 1 + 2 + detail.Length];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], m.SessionId);
        BinaryPrimitives.WriteUInt64BigEndian(s[9..], m.Sequence);
        s[17] = (byte)m.Reason;
        BinaryPrimitives.WriteUInt16BigEndian(s[18..], (ushort)detail.Length);
        detail.CopyTo(s[20..]);
        return bytes;
    }

    public static string? TryDecode(ReadOnlySpan<byte> s, out RejectionMessage? message)
    {
        message = null;
        if (s.Length < 20 || s[0] != Version)
        {
            return "rejection message too short or of another version";
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(s[18..]);
        if (s.Length != 20 + length || length > MaxDetailBytes)
        {
            return "rejection message detail length does not match";
        }

        if (!Enum.IsDefined((EpochRejectionReason)s[17]))
        {
            return $"unknown rejection reason {s[17]}";
        }

        message = new RejectionMessage(
            BinaryPrimitives.ReadUInt64BigEndian(s[1..]),
            BinaryPrimitives.ReadUInt64BigEndian(s[9..]),
            (EpochRejectionReason)s[17],
            Encoding.UTF8.GetString(s.Slice(20, length)));
        return null;
    }

    public static byte[] Encode(EvidenceKeyMessage m)
    {
        var bytes = new byte[EvidenceKeySize];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], m.SessionId);
        if (m.Key.Length != RecordSealer.KeySize)
        {
            throw new ArgumentException($"an evidence key has {RecordSealer.KeySize} bytes", nameof(m));
        }

        m.Key.CopyTo(s[9..]);
        WriteSignature(m.Signature, s.Slice(9 + RecordSealer.KeySize, SignatureSize));
        return bytes;
    }

    public static string? TryDecode(ReadOnlySpan<byte> s, out EvidenceKeyMessage? message)
    {
        message = null;
        if (s.Length != EvidenceKeySize || s[0] != Version)
        {
            return $"evidence key message has {s.Length} bytes (expected {EvidenceKeySize}) or another version";
        }

        message = new EvidenceKeyMessage(
            BinaryPrimitives.ReadUInt64BigEndian(s[1..]),
            s.Slice(9, RecordSealer.KeySize).ToArray(),
            "0x" + Convert.ToHexStringLower(s.Slice(9 + RecordSealer.KeySize, SignatureSize)));
        return null;
    }

    private static void WriteSignature(string hex, Span<byte> destination)
    {
        var raw = Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
        if (raw.Length != SignatureSize)
        {
            throw new ArgumentException($"a signature has {SignatureSize} bytes", nameof(hex));
        }

        raw.CopyTo(destination);
    }
}

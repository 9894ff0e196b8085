using Oracle.Core.Evidence;
using VpnGateway.Metering.Exchange;

namespace VpnGateway.Tests.Metering;

public sealed class EvidenceMessageCodecTests
{
    private static readonly string Signature = "0x" + new string('a', 128) + "1b";

    [Fact]
    public void Epoch_RoundTrip_SameMessage()
    {
        var records = new List<byte[]> { Record(1), Record(2) };
        var message = new EpochMessage(9, 3, 10, records, new SignedCheckpoint { TreeSize = 12, Root = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), EpochTime = 1_700_000_000, CaptureDrops = 5, Signature = Signature });

        Assert.Null(EvidenceMessageCodec.TryDecode(EvidenceMessageCodec.Encode(message), out EpochMessage? decoded));

        Assert.Equal(message.SessionId, decoded!.SessionId);
        Assert.Equal(message.Sequence, decoded.Sequence);
        Assert.Equal(message.FirstLeafIndex, decoded.FirstLeafIndex);
        Assert.Equal(records, decoded.Records);
        Assert.Equal(message.Checkpoint.Root, decoded.Checkpoint.Root);
        Assert.Equal(message.Checkpoint with { Root = decoded.Checkpoint.Root }, decoded.Checkpoint);
    }

    [Fact]
    public void Voucher_RoundTrip_LargeAmount()
    {
        var voucher = new SignedVoucher { CumulativeAmount = "115792089237316195423570985008687907853269984665640564039457584007913129639935", CumulativeBytes = 77, LogSize = 12, LogRoot = new byte[32], Signature = Signature };

        Assert.Null(EvidenceMessageCodec.TryDecode(EvidenceMessageCodec.Encode(new VoucherMessage(9, 3, voucher)), out VoucherMessage? decoded));

        Assert.Equal(voucher with { LogRoot = decoded!.Voucher.LogRoot }, decoded.Voucher);
        Assert.Equal(3UL, decoded.Sequence);
    }

    [Fact]
    public void Rejection_RoundTrip()
    {
        var message = new RejectionMessage(9, 3, EpochRejectionReason.OctetsExceeded, "flow 198.18.0.2:1 -> 198.19.0.1:2");

        Assert.Null(EvidenceMessageCodec.TryDecode(EvidenceMessageCodec.Encode(message), out RejectionMessage? decoded));

        Assert.Equal(message, decoded);
    }

    [Fact]
    public void Epoch_CountDisagreesWithLength_Rejected()
    {
        var bytes = EvidenceMessageCodec.Encode(new EpochMessage(9, 3, 10, [Record(1)], new SignedCheckpoint { TreeSize = 11, Root = new byte[32], EpochTime = 1, CaptureDrops = 0, Signature = Signature }));

        Assert.NotNull(EvidenceMessageCodec.TryDecode(bytes.AsSpan(0, bytes.Length - 1), out EpochMessage? _));
        bytes[0] = 2;
        Assert.Contains("version", EvidenceMessageCodec.TryDecode(bytes, out EpochMessage? _), StringComparison.Ordinal);
    }

    [Fact]
    public void Rejection_UnknownReason_Rejected()
    {
        var bytes = EvidenceMessageCodec.Encode(new RejectionMessage(9, 3, EpochRejectionReason.OutOfOrder, "x"));
        bytes[17] = 200;

        Assert.Contains("reason", EvidenceMessageCodec.TryDecode(bytes, out RejectionMessage? _), StringComparison.Ordinal);
    }

    [Fact]
    public void Voucher_WrongLength_Rejected()
    {
        Assert.NotNull(EvidenceMessageCodec.TryDecode(new byte[50], out VoucherMessage? _));
    }

    private static byte[] Record(byte tag)
    {
        var r = new byte[FlowRecordEncoding.Size];
        r[0] = 1;
        r[^1] = tag;
        return r;
    }
}

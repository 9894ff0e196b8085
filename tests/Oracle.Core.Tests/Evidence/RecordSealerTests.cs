using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Evidence;

public sealed class RecordSealerTests
{
    private const string Manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    [Fact]
    public void SealOpen_RoundTrip_RecordCheckedAgainstItsLeafHash()
    {
        var key = RecordSealer.NewKey();
        var record = FlowRecordEncoding.Encode(FlowRecordEncodingTests.ValidRecord());
        using var sealer = new RecordSealer(key, 31337, Manager, 42);

        var sealedRecord = sealer.Seal(7, record);
        var opened = sealer.Open(7, MerkleHash.Leaf(record), sealedRecord);

        Assert.Equal(RecordSealer.SealedSize, sealedRecord.Length);
        Assert.True(opened.IsOpened, opened.Detail);
        Assert.Equal(FlowRecordEncodingTests.ValidRecord(), opened.Record);
        Assert.Equal(record, opened.Encoded);
        Assert.False(sealedRecord.AsSpan(0, FlowRecordEncoding.Size).SequenceEqual(record));
    }

    [Fact]
    public void Open_AnythingElseBound_Refused()
    {
        var key = RecordSealer.NewKey();
        var record = FlowRecordEncoding.Encode(FlowRecordEncodingTests.ValidRecord());
        var leafHash = MerkleHash.Leaf(record);
        using var sealer = new RecordSealer(key, 31337, Manager, 42);
        var sealedRecord = sealer.Seal(7, record);
        var flipped = (byte[])sealedRecord.Clone();
        flipped[3] ^= 1;
        using var otherKey = new RecordSealer(RecordSealer.NewKey(), 31337, Manager, 42);
        using var otherSession = new RecordSealer(key, 31337, Manager, 43);
        using var otherChain = new RecordSealer(key, 1, Manager, 42);

        Assert.Equal(SealedRecordError.AuthenticationFailed, sealer.Open(8, leafHash, sealedRecord).Error);
        Assert.Equal(SealedRecordError.AuthenticationFailed, sealer.Open(7, new byte[32], sealedRecord).Error);
        Assert.Equal(SealedRecordError.AuthenticationFailed, sealer.Open(7, leafHash, flipped).Error);
        Assert.Equal(SealedRecordError.AuthenticationFailed, otherKey.Open(7, leafHash, sealedRecord).Error);
        Assert.Equal(SealedRecordError.AuthenticationFailed, otherSession.Open(7, leafHash, sealedRecord).Error);
        Assert.Equal(SealedRecordError.AuthenticationFailed, otherChain.Open(7, leafHash, sealedRecord).Error);
        Assert.Equal(SealedRecordError.WrongLength, sealer.Open(7, leafHash, sealedRecord.AsSpan(1)).Error);
    }

    [Fact]
    public void Open_PublisherSealedAnotherRecordUnderTheLeafHash_LeafHashMismatch()
    {
        // A gateway that seals something else than what its log holds is caught by the leaf hash it signed.
        var key = RecordSealer.NewKey();
        var genuine = FlowRecordEncoding.Encode(FlowRecordEncodingTests.ValidRecord());
        var other = FlowRecordEncoding.Encode(FlowRecordEncodingTests.ValidRecord() with { DestinationPort = 445 });
        using var sealer = new RecordSealer(key, 31337, Manager, 42);
        var sealedRecord = new byte[RecordSealer.SealedSize];
        sealer.Seal(7, other, MerkleHash.Leaf(genuine), sealedRecord);

        Assert.Equal(SealedRecordError.LeafHashMismatch, sealer.Open(7, MerkleHash.Leaf(genuine), sealedRecord).Error);
    }
}

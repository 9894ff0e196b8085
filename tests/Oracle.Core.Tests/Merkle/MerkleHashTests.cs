using System.Security.Cryptography;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Merkle;

public sealed class MerkleHashTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(95)]
    [InlineData(MerkleHash.StackLeafLimit - 1)]
    [InlineData(MerkleHash.StackLeafLimit)]
    [InlineData(5000)]
    public void Leaf_AnyLength_IsSha256OfZeroPrefixedData(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(SHA256.HashData([0x00, .. data]), MerkleHash.Leaf(data));
    }

    [Fact]
    public void Leaf_FlowRecordSized_AllocatesNothing()
    {
        var record = new byte[95];
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.Leaf(record, hash); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            MerkleHash.Leaf(record, hash);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

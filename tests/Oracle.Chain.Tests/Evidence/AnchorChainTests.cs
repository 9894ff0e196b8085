using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Evidence;

namespace Oracle.Chain.Tests.Evidence;

public sealed class AnchorChainTests
{
    private static byte[] Bytes(byte fill) => Enumerable.Repeat(fill, 32).ToArray();

    private static List<Anchor> Anchors(int count) =>
        Enumerable.Range(1, count).Select(i => new Anchor { TreeSize = (ulong)(i * 10), Root = Bytes((byte)i) }).ToList();

    [Fact]
    public void Link_IsKeccakOfTheAbiEncodedChainSizeAndRoot()
    {
        var expected = Sha3Keccack.Current.CalculateHash(new ABIEncode().GetABIEncoded(
            new ABIValue("bytes32", Bytes(7)), new ABIValue("uint64", new BigInteger(1_000_000_007)), new ABIValue("bytes32", Bytes(9))));

        Assert.Equal(expected, AnchorChain.Link(Bytes(7), 1_000_000_007, Bytes(9)));
        Assert.Equal(new byte[32], AnchorChain.Empty);
        Assert.Throws<ArgumentException>(() => AnchorChain.Link(new byte[31], 1, Bytes(9)));
    }

    [Fact]
    public void Proof_MiddleRun_StartsFromTheChainBeforeItAndFoldsToTheChainAtItsEnd()
    {
        var all = Anchors(5);

        var proof = AnchorChain.Proof(all, 2, end: 4);

        Assert.Equal(AnchorChain.Fold(AnchorChain.Empty, all.Take(2)), proof.ChainBefore);
        Assert.Equal(4U, proof.End);
        Assert.Equal([30UL, 40UL], proof.Anchors.Select(a => a.TreeSize));
        Assert.Equal(AnchorChain.Fold(AnchorChain.Empty, all.Take(4)), AnchorChain.Fold(proof.ChainBefore, proof.Anchors));
        Assert.Equal(AnchorChain.Empty, AnchorChain.Proof(all, 0).ChainBefore);
        Assert.Equal(5U, AnchorChain.Proof(all, 0).End);
    }

    [Fact]
    public void Proof_EmptyOrOutOfRange_Throws()
    {
        var all = Anchors(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorChain.Proof(all, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorChain.Proof(all, 1, end: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorChain.Proof(all, 0, end: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorChain.Proof(all, -1));
    }
}

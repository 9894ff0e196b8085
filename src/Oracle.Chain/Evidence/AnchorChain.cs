using System.Buffers.Binary;
using Nethereum.Util;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;

namespace Oracle.Chain.Evidence;

/// <summary>
/// The hash chain the EvidenceRegistry keeps over a log's anchors (docs/protocol.md §7.6):
/// <c>chain_0 = 0</c>, <c>chain_k = keccak256(abi.encode(chain_(k-1), treeSize_k, root_k))</c>. Anchored roots are
/// proven on-chain by passing them as an <see cref="AnchorProof"/> that folds into the registry's chain.
/// </summary>
public static class AnchorChain
{
    /// <summary>The chain of a log without anchors: 32 zero bytes.</summary>
    public static byte[] Empty => new byte[32];

    /// <summary>The chain after one more anchor.</summary>
    /// <param name="chain">The chain before it (32 bytes).</param>
    /// <param name="treeSize">The anchored size.</param>
    /// <param name="root">The anchored root (32 bytes).</param>
    /// <returns>The new chain value.</returns>
    /// <exception cref="ArgumentException"><paramref name="chain"/> or <paramref name="root"/> is not 32 bytes.</exception>
    public static byte[] Link(ReadOnlySpan<byte> chain, ulong treeSize, ReadOnlySpan<byte> root)
    {
        if (chain.Length != 32 || root.Length != 32)
        {
            throw new ArgumentException("chain values and roots are 32 bytes");
        }

        var encoded = new byte[96];
        chain.CopyTo(encoded);
        BinaryPrimitives.WriteUInt64BigEndian(encoded.AsSpan(56, 8), treeSize);
        root.CopyTo(encoded.AsSpan(64));
        return Sha3Keccack.Current.CalculateHash(encoded);
    }

    /// <summary>The chain after <paramref name="anchors"/>, starting from <paramref name="chainBefore"/>.</summary>
    /// <param name="chainBefore">The chain before the first anchor.</param>
    /// <param name="anchors">Consecutive anchors, oldest first.</param>
    /// <returns>The chain after the last one.</returns>
    public static byte[] Fold(ReadOnlySpan<byte> chainBefore, IEnumerable<Anchor> anchors)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        var chain = chainBefore.ToArray();
        foreach (var a in anchors)
        {
            chain = Link(chain, a.TreeSize, a.Root);
        }

        return chain;
    }

    /// <summary>
    /// The proof of the anchors <paramref name="first"/> to <paramref name="end"/> - 1 of a log whose anchors, oldest
    /// first, are <paramref name="all"/>. It holds on-chain when <paramref name="end"/> is the log's anchor count, or a
    /// count someone checkpointed (<c>checkpointChain</c>).
    /// </summary>
    /// <param name="all">Every anchor of the log so far, oldest first (see <see cref="AnchorReader"/>).</param>
    /// <param name="first">The index of the first anchor to include.</param>
    /// <param name="end">The anchor count after the last one included (default: all of them).</param>
    /// <returns>The proof to pass to the registry.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or outside <paramref name="all"/>.</exception>
    public static AnchorProof Proof(IReadOnlyList<Anchor> all, int first, int? end = null)
    {
        ArgumentNullException.ThrowIfNull(all);
        var last = end ?? all.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(last, all.Count, nameof(end));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, last);
        var before = Empty;
        for (var i = 0; i < first; i++)
        {
            before = Link(before, all[i].TreeSize, all[i].Root);
        }

        var anchors = new List<Anchor>(last - first);
        for (var i = first; i < last; i++)
        {
            anchors.Add(all[i]);
        }

        return new AnchorProof { ChainBefore = before, End = (uint)last, Anchors = anchors };
    }
}

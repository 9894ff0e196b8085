using Oracle.Core.Merkle;

namespace Oracle.Core.Proofs;

/// <summary>
/// An RFC 9162 consistency proof between two sizes of an evidence collector's global log (or of a session's log): the
/// tree of <see cref="Size1"/> leaves with <see cref="Root1"/> is a prefix of the tree of <see cref="Size2"/> leaves with
/// <see cref="Root2"/>. Served by the collector's read API; <see cref="Verify"/> is what a monitor or an oracle runs.
/// </summary>
public sealed record LogConsistencyProof
{
    /// <summary>The log (32 bytes; the registry's log id for a global log).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The first size.</summary>
    public required ulong Size1 { get; init; }

    /// <summary>The root at the first size (32 bytes).</summary>
    public required byte[] Root1 { get; init; }

    /// <summary>The second size (at least the first).</summary>
    public required ulong Size2 { get; init; }

    /// <summary>The root at the second size (32 bytes).</summary>
    public required byte[] Root2 { get; init; }

    /// <summary>The proof's hashes (empty between equal sizes or from size 0).</summary>
    public required IReadOnlyList<byte[]> Proof { get; init; }

    /// <summary>
    /// Checks the proof, and that its two heads are <paramref name="expected1"/> and <paramref name="expected2"/> when
    /// given (the anchored roots the reader read from the chain).
    /// </summary>
    public ProofCheck Verify(TreeHead? expected1 = null, TreeHead? expected2 = null)
    {
        if (LogId is not { Length: 32 } || Root1 is not { Length: MerkleHash.Size } || Root2 is not { Length: MerkleHash.Size } || Proof is null)
        {
            return new ProofCheck(ProofError.Malformed, "log id and roots are 32 bytes, and a proof is a list");
        }

        if ((expected1 is not null && !expected1.Matches(new TreeHead(Size1, Root1))) || (expected2 is not null && !expected2.Matches(new TreeHead(Size2, Root2))))
        {
            return new ProofCheck(ProofError.AnchorMismatch, "the proof's roots are not the expected (anchored) ones");
        }

        return MerkleProofs.VerifyConsistency(Size1, Size2, Root1, Root2, Proof)
            ? ProofCheck.Valid
            : new ProofCheck(ProofError.ConsistencyInvalid, $"no consistency from {Size1} to {Size2} leaves");
    }
}

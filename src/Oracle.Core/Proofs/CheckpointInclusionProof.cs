using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace Oracle.Core.Proofs;

/// <summary>
/// A session checkpoint as a leaf of an evidence collector's global log (<see cref="CheckpointLeaf"/>), with its
/// inclusion proof in the log at an anchored size: what the collector serves so that a reader can tie a session's
/// evidence to a root anchored on-chain. <see cref="Verify"/> checks it against the anchor the reader took from the chain.
/// </summary>
public sealed record CheckpointInclusionProof
{
    /// <summary>The global log's id (32 bytes, the EvidenceRegistry's <c>logId</c>).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The leaf's encoding (<see cref="CheckpointLeaf.Encode"/>).</summary>
    public required byte[] Leaf { get; init; }

    /// <summary>The leaf's index in the global log.</summary>
    public required ulong LeafIndex { get; init; }

    /// <summary>The size of the global log the proof is for (an anchored size).</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>The inclusion proof.</summary>
    public required IReadOnlyList<byte[]> InclusionProof { get; init; }

    /// <summary>The anchor of <see cref="TreeSize"/>, as the collector knows it (the reader checks it against the chain).</summary>
    public LogAnchor? Anchor { get; init; }

    /// <summary>
    /// Checks the proof against <paramref name="anchored"/>, the head of log <see cref="LogId"/> the reader read from the
    /// EvidenceRegistry: the leaf decodes and is for <paramref name="parties"/>' session, it is included at that size under
    /// that root, and the checkpoint in it is signed by the session's gateway.
    /// </summary>
    /// <param name="parties">The session and its signers, from the chain.</param>
    /// <param name="anchored">The anchored size and root.</param>
    /// <param name="leaf">The decoded leaf, when valid.</param>
    public ProofCheck Verify(SessionLogParties parties, TreeHead anchored, out CheckpointLeaf? leaf)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(anchored);
        leaf = null;
        if (LogId is not { Length: 32 } || Leaf is null || InclusionProof is null || !CheckpointLeaf.TryDecode(Leaf, out var decoded))
        {
            return new ProofCheck(ProofError.Malformed, "the log id is not 32 bytes or the leaf is not a version 1 checkpoint leaf");
        }

        if (decoded!.SessionId != parties.SessionId || decoded.ChainId != (ulong)parties.Domain.ChainId
            || !string.Equals(decoded.SessionManager, parties.Domain.VerifyingContract, StringComparison.OrdinalIgnoreCase))
        {
            return new ProofCheck(ProofError.WrongSubject, $"the leaf is a checkpoint of session {decoded.SessionId} of {decoded.SessionManager} on chain {decoded.ChainId}");
        }

        if (TreeSize != anchored.Size)
        {
            return new ProofCheck(ProofError.AnchorMismatch, $"the proof is for {TreeSize} leaves, the anchor for {anchored.Size}");
        }

        if (!MerkleProofs.VerifyInclusion(MerkleHash.Leaf(Leaf), LeafIndex, TreeSize, InclusionProof, anchored.Root))
        {
            return new ProofCheck(ProofError.InclusionInvalid, $"leaf {LeafIndex} is not in the anchored log of {TreeSize} leaves");
        }

        if (!TypedDataSigner.Verify(decoded.Checkpoint.ToCheckpoint(decoded.SessionId), parties.Domain, decoded.Checkpoint.Signature, parties.Gateway))
        {
            return new ProofCheck(ProofError.BadCheckpointSignature, "the checkpoint in the leaf is not signed by the session's gateway");
        }

        leaf = decoded;
        return ProofCheck.Valid;
    }
}

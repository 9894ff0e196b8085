namespace EvidenceCollector.Proofs;

/// <summary>
/// A session checkpoint as a leaf of the global log (docs/protocol.md §5.6), with its inclusion proof at an anchored size.
/// </summary>
/// <remarks>The shape of Oracle.Core's <c>CheckpointInclusionProof</c> on the evidence branch; replaced by it when that lands on main.</remarks>
public sealed record CheckpointInclusionProof
{
    /// <summary>The global log's id (32 bytes).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The leaf (158 bytes).</summary>
    public required byte[] Leaf { get; init; }

    /// <summary>The leaf's index in the global log.</summary>
    public required ulong LeafIndex { get; init; }

    /// <summary>The anchored size the proof is for.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>The inclusion proof.</summary>
    public required IReadOnlyList<byte[]> InclusionProof { get; init; }

    /// <summary>The anchor of <see cref="TreeSize"/>.</summary>
    public LogAnchor? Anchor { get; init; }
}

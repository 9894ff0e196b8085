namespace EvidenceCollector.Proofs;

/// <summary>An RFC 9162 consistency proof between two sizes of the global log.</summary>
/// <remarks>The shape of Oracle.Core's <c>LogConsistencyProof</c> on the evidence branch; replaced by it when that lands on main.</remarks>
public sealed record LogConsistencyProof
{
    /// <summary>The log (32 bytes).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The first size.</summary>
    public required ulong Size1 { get; init; }

    /// <summary>The root at the first size.</summary>
    public required byte[] Root1 { get; init; }

    /// <summary>The second size.</summary>
    public required ulong Size2 { get; init; }

    /// <summary>The root at the second size.</summary>
    public required byte[] Root2 { get; init; }

    /// <summary>The proof's hashes.</summary>
    public required IReadOnlyList<byte[]> Proof { get; init; }
}

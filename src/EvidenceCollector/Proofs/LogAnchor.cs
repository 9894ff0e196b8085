namespace EvidenceCollector.Proofs;

/// <summary>
/// One anchor of the global log in the EvidenceRegistry (a <c>CheckpointAnchored</c> event): the log had
/// <see cref="TreeSize"/> leaves with root <see cref="Root"/>. Readers check it against the chain.
/// </summary>
/// <remarks>The shape of Oracle.Core's <c>LogAnchor</c> on the evidence branch; replaced by it when that lands on main.</remarks>
public sealed record LogAnchor
{
    /// <summary>The log id (32 bytes).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The collector that anchored it.</summary>
    public required string Collector { get; init; }

    /// <summary>The anchored size.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>The anchored root (32 bytes).</summary>
    public required byte[] Root { get; init; }

    /// <summary>The anchor's position in the log's anchor chain, from 1.</summary>
    public required uint AnchorIndex { get; init; }

    /// <summary>The block of the anchoring transaction (0 when not recorded).</summary>
    public required ulong BlockNumber { get; init; }

    /// <summary>The anchoring transaction (empty when not recorded).</summary>
    public required string TransactionHash { get; init; }
}

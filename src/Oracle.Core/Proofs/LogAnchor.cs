using Oracle.Core.Merkle;

namespace Oracle.Core.Proofs;

/// <summary>
/// One anchor of an evidence collector's global log in the EvidenceRegistry (a <c>CheckpointAnchored</c> event,
/// docs/protocol.md §7.6): the log had <see cref="TreeSize"/> leaves with root <see cref="Root"/>. A reader takes anchors
/// from the chain (Oracle.Chain's <c>AnchorReader</c>), never from a collector; a collector's answer names the anchor it
/// proves against so the reader can find it.
/// </summary>
public sealed record LogAnchor
{
    /// <summary>The log id (32 bytes, the registry's <c>bytes32 logId</c>).</summary>
    public required byte[] LogId { get; init; }

    /// <summary>The collector that anchored it (0x-prefixed address).</summary>
    public required string Collector { get; init; }

    /// <summary>The anchored size.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>The anchored root (32 bytes).</summary>
    public required byte[] Root { get; init; }

    /// <summary>The anchor's position in the log's anchor chain, from 1.</summary>
    public required uint AnchorIndex { get; init; }

    /// <summary>The block of the anchoring transaction.</summary>
    public required ulong BlockNumber { get; init; }

    /// <summary>The anchoring transaction (0x-prefixed hash).</summary>
    public required string TransactionHash { get; init; }

    /// <summary>The anchored head.</summary>
    public TreeHead Head => new(TreeSize, Root);
}

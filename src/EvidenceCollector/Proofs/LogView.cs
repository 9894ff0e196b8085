using Oracle.Core.Proofs;

namespace EvidenceCollector.Proofs;

/// <summary>What <c>GET /v1/log</c> tells about the global log: who it is, its latest signed checkpoint and its latest anchor.</summary>
/// <param name="Origin">The log's origin (first line of its checkpoints; the name of its note key).</param>
/// <param name="LogId">Its id in the EvidenceRegistry: SHA-256 of the origin.</param>
/// <param name="VerifierKey">The C2SP note verifier key of its checkpoints.</param>
/// <param name="ChainId">The chain of its sessions and anchors.</param>
/// <param name="SessionManager">The SessionManager whose sessions it logs.</param>
/// <param name="EvidenceRegistry">Where it is anchored.</param>
/// <param name="Collector">The collector's address (it anchors).</param>
/// <param name="TreeSize">Leaves in the latest signed checkpoint.</param>
/// <param name="Root">Its root.</param>
/// <param name="Checkpoint">The signed C2SP checkpoint note.</param>
/// <param name="Anchored">The latest anchor, when there is one.</param>
public sealed record LogView(string Origin, byte[] LogId, string VerifierKey, ulong ChainId, string SessionManager, string EvidenceRegistry, string Collector,
    ulong TreeSize, byte[] Root, string Checkpoint, LogAnchor? Anchored);

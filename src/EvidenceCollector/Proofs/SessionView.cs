namespace EvidenceCollector.Proofs;

/// <summary>A session's evidence as the collector holds it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Gateway">Its checkpoint signer (the session's provider on-chain).</param>
/// <param name="Client">Its voucher signer (the session's client on-chain).</param>
/// <param name="TreeSize">Leaves in its log.</param>
/// <param name="Root">The log's root.</param>
/// <param name="Checkpoints">Checkpoints held.</param>
/// <param name="RecordsPruned">Whether its records were deleted after their retention (the hashes and checkpoints stay).</param>
public sealed record SessionView(ulong SessionId, string Gateway, string? Client, ulong TreeSize, byte[] Root, int Checkpoints, bool RecordsPruned);

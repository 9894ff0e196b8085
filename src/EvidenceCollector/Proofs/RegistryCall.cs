namespace EvidenceCollector.Proofs;

/// <summary>
/// A ready-made <c>eth_call</c> of the EvidenceRegistry that checks a proof on-chain: <c>verifyInclusion(logId,
/// anchorProof, index, leafIndex, leafHash, auditPath)</c>, answering true (32 bytes ending in 1) when the leaf is in the
/// log at an anchored size. The anchor proof ends at the log's current anchor count, so the call holds until the next
/// anchor (ask again then).
/// </summary>
/// <param name="To">The EvidenceRegistry's address.</param>
/// <param name="Data">The call data, 0x-hex.</param>
/// <param name="AnchorCount">The anchor count the anchor proof ends at.</param>
/// <param name="LeafHash">The leaf hash passed (check it is SHA-256(0x00 ‖ leaf) of the leaf you hold).</param>
public sealed record RegistryCall(string To, string Data, uint AnchorCount, byte[] LeafHash);

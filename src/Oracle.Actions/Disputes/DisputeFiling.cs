using Oracle.Chain.Model;

namespace Oracle.Actions.Disputes;

/// <summary>A claim a party files about a session.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ClaimType">ClientBreachedPolicy (filed by the provider) or a claim against the provider (filed by the client).</param>
/// <param name="RuleId">The policy rule said to be broken (0: none).</param>
/// <param name="EvidenceHash">keccak256 of the evidence document.</param>
/// <param name="EvidenceUri">Where the evidence document is.</param>
/// <param name="Proof">A record proof (ClientBreachedPolicy only): verified on-chain before any vote.</param>
public sealed record DisputeFiling(ulong SessionId, ClaimType ClaimType, uint RuleId, byte[] EvidenceHash, string EvidenceUri, RecordProofDocument? Proof = null);

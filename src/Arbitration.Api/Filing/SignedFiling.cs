using System.Numerics;
using Oracle.Chain.Model;

namespace Arbitration.Api.Filing;

/// <summary>A filing request whose fields are all well-formed (not yet checked against the chain).</summary>
/// <param name="Filer">The filer (lower case).</param>
/// <param name="SessionId">The session.</param>
/// <param name="ClaimType">The claim.</param>
/// <param name="RuleId">The rule.</param>
/// <param name="EvidenceHash">The evidence hash (32 bytes).</param>
/// <param name="EvidenceUri">The evidence URI.</param>
/// <param name="Nonce">The signed nonce.</param>
/// <param name="Deadline">The signed deadline.</param>
/// <param name="Signature">The filing's signature (0x hex, 65 bytes).</param>
/// <param name="Permit">The permit, if any.</param>
/// <param name="Proof">The record proof, if any (as the contract takes it).</param>
internal sealed record SignedFiling(string Filer, ulong SessionId, ClaimType ClaimType, uint RuleId, byte[] EvidenceHash, string EvidenceUri, BigInteger Nonce,
    ulong Deadline, string Signature, SignedPermit? Permit, Oracle.Chain.Contracts.RecordProof? Proof);

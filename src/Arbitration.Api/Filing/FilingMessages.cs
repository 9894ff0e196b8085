using Oracle.Core.Eip712;

namespace Arbitration.Api.Filing;

/// <summary>
/// The EIP-712 <c>Filing</c> a request claims to be signed: the message fields from the request and, where the type
/// covers what the relayer passes besides the claim (a record proof, the session's panel), the values the relayer will
/// pass — so a signature verifies only if the filer signed exactly what is relayed.
/// </summary>
internal static class FilingMessages
{
    public static Oracle.Core.Eip712.Filing Build(SignedFiling filing, Oracle.Chain.Contracts.Session session)
    {
        ArgumentNullException.ThrowIfNull(filing);
        ArgumentNullException.ThrowIfNull(session);
        return new Oracle.Core.Eip712.Filing
        {
            SessionId = filing.SessionId,
            ClaimType = (byte)filing.ClaimType,
            RuleId = filing.RuleId,
            EvidenceHash = filing.EvidenceHash,
            EvidenceUri = filing.EvidenceUri,
            ProofHash = ProofHash(filing.Proof),
            PanelHash = session.PanelHash,
            Nonce = filing.Nonce,
            Deadline = filing.Deadline,
        };
    }

    /// <summary>The <c>proofHash</c> a filing signs: zero without a record proof, else <c>keccak256(abi.encode(proof))</c>.</summary>
    public static byte[] ProofHash(Oracle.Chain.Contracts.RecordProof? proof) => RecordProof.Hash(proof is null ? null : new RecordProof
    {
        Leaf = proof.Leaf,
        LeafIndex = proof.LeafIndex,
        AuditPath = proof.AuditPath,
        Voucher = new Voucher
        {
            SessionId = proof.Voucher.SessionId,
            CumulativeAmount = proof.Voucher.CumulativeAmount,
            CumulativeBytes = proof.Voucher.CumulativeBytes,
            LogSize = proof.Voucher.LogSize,
            LogRoot = proof.Voucher.LogRoot,
        },
        Signature = proof.Signature,
    });

    /// <summary>The filing's digest (its identity: the same signed filing has the same digest).</summary>
    public static string Digest(Oracle.Core.Eip712.Filing message, TypedDataDomain domain)
        => "0x" + Convert.ToHexStringLower(TypedDataSigner.Hash(message, domain));
}

namespace Oracle.Core.Proofs;

/// <summary>Why a proof served by an evidence collector does not hold (the reader checks every proof itself).</summary>
public enum ProofError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A field is missing or has the wrong length.</summary>
    Malformed,

    /// <summary>The proof is for another session, log or size than the one asked for.</summary>
    WrongSubject,

    /// <summary>The inclusion proof does not lead from the leaf to the root.</summary>
    InclusionInvalid,

    /// <summary>The consistency proof does not lead from the first root to the second.</summary>
    ConsistencyInvalid,

    /// <summary>The session checkpoint is not signed by the session's gateway.</summary>
    BadCheckpointSignature,

    /// <summary>The voucher does not commit to the checkpoint, or is not signed by the session's client.</summary>
    BadVoucher,

    /// <summary>The proof's root is not the anchored root of that size.</summary>
    AnchorMismatch,
}

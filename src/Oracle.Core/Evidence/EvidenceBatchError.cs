namespace Oracle.Core.Evidence;

/// <summary>Why an <see cref="EvidenceBatch"/> is not valid (<see cref="EvidenceBatchVerifier"/>).</summary>
public enum EvidenceBatchError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A required field is missing or has the wrong length (a root that is not 32 bytes, no records, a compact range of the wrong size...).</summary>
    Malformed,

    /// <summary>The batch id is not the one <see cref="EvidenceBatchId.For"/> derives from the batch.</summary>
    BatchIdMismatch,

    /// <summary>First leaf index plus record count is not the checkpoint's tree size.</summary>
    RecordCountMismatch,

    /// <summary>A record does not decode (see the detail).</summary>
    BadRecord,

    /// <summary>A record belongs to another session.</summary>
    RecordOfOtherSession,

    /// <summary>The checkpoint's signature does not recover to <see cref="EvidenceBatch.Gateway"/>.</summary>
    BadCheckpointSignature,

    /// <summary>The voucher commits to another log size or root than the checkpoint.</summary>
    VoucherMismatch,

    /// <summary>The voucher's signature does not recover to <see cref="EvidenceBatch.Client"/>.</summary>
    BadVoucherSignature,

    /// <summary>
    /// The consumer already holds a batch with this id but other content: the gateway signed two versions of the same
    /// checkpoint, or the spool was tampered with. Both are kept for inspection.
    /// </summary>
    ConflictingDuplicate,

    /// <summary>The records (their leaf hashes) appended to the batch's compact range do not give the checkpoint's root.</summary>
    RootMismatch,

    /// <summary>
    /// The log before the batch (the root of its compact range) is not the log of the session's previous checkpoint the
    /// consumer holds: the gateway's log forked.
    /// </summary>
    NotAnExtension,

    /// <summary>The batch's session was never opened on the consumer's chain (or its SessionManager is not the one it serves).</summary>
    UnknownSession,

    /// <summary>
    /// A signer is not the session's party on-chain: the checkpoint's signer is not the session's provider, or the voucher's
    /// signer not its client (a valid signature by a key that has no say in the session).
    /// </summary>
    NotSessionParty,

    /// <summary>The checkpoint's epoch time is earlier than the previous checkpoint's of the session.</summary>
    TimeReversed,
}

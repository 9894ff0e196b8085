namespace Oracle.Core.Evidence;

/// <summary>Why <see cref="SessionLogVerifier"/> refused a checkpoint or a voucher.</summary>
public enum SessionLogError
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A field is missing or has the wrong length (a root or leaf hash that is not 32 bytes, an amount that is not a number).</summary>
    Malformed,

    /// <summary>The records do not continue the log: the first leaf index is not its size, none were given, or they do not reach the checkpoint's tree size.</summary>
    NotAnExtension,

    /// <summary>The checkpoint's epoch time is earlier than the previous checkpoint's.</summary>
    TimeReversed,

    /// <summary>A record does not decode (docs/protocol.md §5.1).</summary>
    BadRecord,

    /// <summary>A record names another session.</summary>
    RecordOfOtherSession,

    /// <summary>The checkpoint's signature does not recover to the session's gateway.</summary>
    BadCheckpointSignature,

    /// <summary>The records, appended to the log, do not give the checkpoint's root.</summary>
    RootMismatch,

    /// <summary>The voucher commits to a log size that is not one of the log's checkpoints.</summary>
    VoucherForUnknownCheckpoint,

    /// <summary>The voucher commits to another root than the log's checkpoint of that size.</summary>
    VoucherRootMismatch,

    /// <summary>The voucher's byte total is not the octets of the allowed records of the log at its size.</summary>
    VoucherBytesMismatch,

    /// <summary>The voucher's amount is below <c>ceil(bytes × pricePerMiB / 2^20)</c>.</summary>
    VoucherUnderpaid,

    /// <summary>The voucher's signature does not recover to the session's client (or the session has no client).</summary>
    BadVoucherSignature,
}

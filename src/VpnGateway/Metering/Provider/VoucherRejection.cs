namespace VpnGateway.Metering.Provider;

/// <summary>Why the provider's gateway refused a client's voucher.</summary>
internal enum VoucherRejection
{
    /// <summary>The voucher answers a checkpoint sequence this gateway never sent.</summary>
    UnknownSequence,

    /// <summary>The log size is not that checkpoint's tree size.</summary>
    LogSizeMismatch,

    /// <summary>The voucher is for a log no larger than one already paid for (a replay or an out-of-order voucher).</summary>
    Stale,

    /// <summary>The root is not the log's root at that size.</summary>
    RootMismatch,

    /// <summary>The byte total is not the allowed octets of the log at that size.</summary>
    BytesMismatch,

    /// <summary>The amount is below price × bytes, or below an amount already promised.</summary>
    Underpaid,

    /// <summary>The amount is not an unsigned 256-bit decimal integer.</summary>
    BadAmount,

    /// <summary>The signature does not recover to the session's client.</summary>
    BadSignature,
}

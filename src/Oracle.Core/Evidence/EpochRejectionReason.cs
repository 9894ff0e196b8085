namespace Oracle.Core.Evidence;

/// <summary>Why a client's gateway refused an epoch of the provider's evidence (docs/protocol.md §5.3).</summary>
public enum EpochRejectionReason : byte
{
    /// <summary>The message could not be parsed.</summary>
    Malformed = 1,

    /// <summary>The epoch is not the next one expected (a gap or a replay).</summary>
    OutOfOrder = 2,

    /// <summary>The message names another session.</summary>
    WrongSession = 3,

    /// <summary>A record failed to decode or names another session.</summary>
    BadRecord = 4,

    /// <summary>The checkpoint's signature does not recover to the provider's gateway.</summary>
    BadCheckpointSignature = 5,

    /// <summary>The records do not produce the checkpoint's tree size and root on top of the previous log.</summary>
    RootMismatch = 6,

    /// <summary>A record describes an outbound flow the client never saw (its own packets: the provider invented it).</summary>
    UnknownFlow = 7,

    /// <summary>The octets claimed beyond what the client saw, over the session, exceed its allowance.</summary>
    OctetsExceeded = 8,

    /// <summary>The client already disputes (or cannot vouch for) an earlier epoch of this session and signs nothing after it.</summary>
    SessionDisputed = 9,

    /// <summary>
    /// The epoch holds what the client cannot check, through no proven fault of the provider: a denied outbound record of a
    /// flow it never saw while its own capture lost packets, or records while it does not know the session's policy. It
    /// signs no voucher (vouchers are cumulative) and accuses nobody.
    /// </summary>
    Unverifiable = 10,

    /// <summary>A record's verdict or rule id is not what the session's policy gives its packets (docs/protocol.md §6.3).</summary>
    VerdictMismatch = 11,
}

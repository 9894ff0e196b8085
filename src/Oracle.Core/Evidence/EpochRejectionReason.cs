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

    /// <summary>A record describes a flow the client never saw.</summary>
    UnknownFlow = 7,

    /// <summary>A flow's bytes exceed what the client saw by more than the tolerance.</summary>
    OctetsExceeded = 8,

    /// <summary>The client already disputes an earlier epoch of this session and signs nothing after it.</summary>
    SessionDisputed = 9,
}

namespace Oracle.Core.Evidence;

/// <summary>Why a sealed record could not be opened (<see cref="RecordSealer.Open"/>).</summary>
public enum SealedRecordError
{
    /// <summary>Opened: the record decodes, names the session, and its leaf hash is the one given.</summary>
    None = 0,

    /// <summary>The sealed record is not <see cref="RecordSealer.SealedSize"/> bytes, or the leaf hash not 32.</summary>
    WrongLength,

    /// <summary>
    /// The AEAD tag does not verify: another key, another leaf index or leaf hash, another session, or altered bytes.
    /// With the session's key (proven by its commitment) this means the publisher sealed something else.
    /// </summary>
    AuthenticationFailed,

    /// <summary>The plaintext's leaf hash is not the one the log holds (sealed under the right key, but not this leaf).</summary>
    LeafHashMismatch,

    /// <summary>The plaintext is not a valid record (see the detail).</summary>
    BadRecord,

    /// <summary>The record names another session.</summary>
    RecordOfOtherSession,
}

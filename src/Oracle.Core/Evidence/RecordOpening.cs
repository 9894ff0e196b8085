namespace Oracle.Core.Evidence;

/// <summary>The outcome of opening a sealed record: the record, or why not.</summary>
/// <param name="Error">What went wrong (<see cref="SealedRecordError.None"/>: opened).</param>
/// <param name="Detail">A human-readable detail.</param>
/// <param name="Record">The decoded record, when opened.</param>
/// <param name="Encoded">The record's canonical bytes (the leaf data), when opened.</param>
public sealed record RecordOpening(SealedRecordError Error, string Detail, FlowRecord Record = default, byte[]? Encoded = null)
{
    /// <summary>Whether the record was opened and checked against its leaf hash.</summary>
    public bool IsOpened => Error == SealedRecordError.None;
}

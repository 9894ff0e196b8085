using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>What <see cref="EvidenceBatchVerifier.Verify"/> found.</summary>
/// <param name="Error">The first problem (<see cref="EvidenceBatchError.None"/>: valid).</param>
/// <param name="Detail">A human-readable detail.</param>
/// <param name="PriorHead">
/// The session log's head before the batch (its compact range's size and root), when the batch is valid: a consumer
/// that holds the session's checkpoint of that size compares the two (or passes it to <see cref="EvidenceBatchVerifier.Verify"/>).
/// </param>
/// <param name="Head">The session log's head after the batch (the checkpoint's size and root), when valid.</param>
public sealed record EvidenceBatchVerification(EvidenceBatchError Error, string Detail, TreeHead? PriorHead = null, TreeHead? Head = null)
{
    /// <summary>Whether the batch is valid.</summary>
    public bool IsValid => Error == EvidenceBatchError.None;

    /// <summary>The error and its detail.</summary>
    public void Deconstruct(out EvidenceBatchError error, out string detail)
    {
        error = Error;
        detail = Detail;
    }
}

namespace Oracle.Core.Evidence;

/// <summary>How the consumer accepted an evidence batch (<see cref="EvidenceBatchAccepted.Verdict"/>).</summary>
public enum EvidenceBatchVerdict
{
    /// <summary>The batch passed <see cref="EvidenceBatchVerifier"/> and was stored now.</summary>
    Verified = 1,

    /// <summary>The consumer already held this batch, with the same content (a re-publication): nothing changed.</summary>
    Duplicate = 2,
}

using Oracle.Core.Evidence;

namespace EvidenceCollector.Proofs;

/// <summary>
/// One leaf of a session's log with its RFC 9162 inclusion proof under a checkpoint the session's gateway signed (and
/// the client's voucher for it, when there is one).
/// </summary>
/// <remarks>
/// The shape of Oracle.Core's <c>SessionRecordProof</c> on the evidence branch; replaced by it when that lands on main.
/// <see cref="SealedRecord"/> is the stored record bytes, served as they are: sealed under the session's evidence key
/// once gateways publish sealed records (docs/protocol.md §5.4), the encoded record itself before.
/// </remarks>
public sealed record SessionRecordProof
{
    /// <summary>The chain id of the SessionManager's domain.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The SessionManager.</summary>
    public required string SessionManager { get; init; }

    /// <summary>The session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The leaf's index in the session's log.</summary>
    public required ulong LeafIndex { get; init; }

    /// <summary>The leaf hash (32 bytes).</summary>
    public required byte[] LeafHash { get; init; }

    /// <summary>The record as stored (see the remarks); empty when the session's records were pruned after their retention.</summary>
    public required byte[] SealedRecord { get; init; }

    /// <summary>The inclusion proof of the leaf in the log of the checkpoint's size.</summary>
    public required IReadOnlyList<byte[]> InclusionProof { get; init; }

    /// <summary>The gateway's signed checkpoint.</summary>
    public required SignedCheckpoint Checkpoint { get; init; }

    /// <summary>The client's voucher for the checkpoint, when there is one.</summary>
    public SignedVoucher? Voucher { get; init; }
}

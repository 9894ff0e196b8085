namespace Oracle.Core.Evidence;

/// <summary>
/// One epoch of a session's evidence, as published on the bus by the provider's gateway (docs/protocol.md §5.4): the leaf
/// hashes of the records appended to the session's log and the records themselves sealed under the session's evidence
/// key (§5.5: provable by anyone, readable only by the session's parties and whom they disclose the key to), the gateway's
/// signed checkpoint of the log after them, and the client's voucher committing to the same size and root (or the
/// client's rejection, or neither when the client did not answer).
/// </summary>
/// <remarks>
/// Consumers deduplicate by <see cref="BatchId"/>: publication is at least once (a batch is removed from the gateway's
/// spool only after the broker confirmed it), and a batch id names the same content on every retry.
/// </remarks>
public sealed record EvidenceBatch
{
    /// <summary>Deterministic id (<see cref="EvidenceBatchId.For"/>): chain, SessionManager, session and tree size.</summary>
    public required Guid BatchId { get; init; }

    /// <summary>The chain id of the signatures' EIP-712 domain.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The SessionManager's address (the domain's verifying contract).</summary>
    public required string SessionManager { get; init; }

    /// <summary>The session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The address whose key signs the checkpoints (the provider's gateway).</summary>
    public required string Gateway { get; init; }

    /// <summary>The address whose key signs the vouchers (the client); null for a session pinned to a tunnel key without one.</summary>
    public string? Client { get; init; }

    /// <summary>The log index of the first record of this batch (the tree size before it).</summary>
    public required ulong FirstLeafIndex { get; init; }

    /// <summary>
    /// The session log before this batch: the hashes of the perfect subtrees covering its first
    /// <see cref="FirstLeafIndex"/> leaves, largest first (<see cref="Merkle.CompactRange"/>; one per set bit of the
    /// index, none for a session's first batch). With the records' leaf hashes it gives the checkpoint's root, so the
    /// batch is checked on its own (<see cref="EvidenceBatchVerifier"/>), and its own root is the previous checkpoint's.
    /// </summary>
    public IReadOnlyList<byte[]> CompactRange { get; init; } = [];

    /// <summary>The leaf hashes of the batch's records, <c>SHA-256(0x00 ‖ record)</c> (32 bytes each), in leaf order.</summary>
    public required IReadOnlyList<byte[]> LeafHashes { get; init; }

    /// <summary>
    /// The records (docs/protocol.md §5.1) sealed under the session's evidence key (<see cref="RecordSealer"/>, 111 bytes
    /// each), in leaf order: leaf <c>FirstLeafIndex + i</c> is <c>SealedRecords[i]</c>, opened against <c>LeafHashes[i]</c>.
    /// </summary>
    public required IReadOnlyList<byte[]> SealedRecords { get; init; }

    /// <summary>The gateway's checkpoint of the log after these records.</summary>
    public required SignedCheckpoint Checkpoint { get; init; }

    /// <summary>The client's voucher for this checkpoint, when it signed one in time.</summary>
    public SignedVoucher? Voucher { get; init; }

    /// <summary>The client's refusal of this epoch (its reason only: the detail may name the traffic), when it refused.</summary>
    public ClientRejection? Rejection { get; init; }
}

using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace Oracle.Core.Proofs;

/// <summary>
/// One leaf of a session's evidence log with its RFC 9162 inclusion proof under a checkpoint the session's gateway
/// signed (and, when the client paid for that checkpoint, the client's voucher committing to the same size and root):
/// what the evidence collector serves for "record <see cref="LeafIndex"/> of session <see cref="SessionId"/>". The record
/// itself travels sealed under the session's evidence key (docs/protocol.md §5.5): the collector cannot read it; a party
/// of the session, or an oracle the key was disclosed to, opens it with <see cref="Open"/>. Check with
/// <see cref="Verify"/> against the session's signers taken from the chain.
/// </summary>
public sealed record SessionRecordProof
{
    /// <summary>The chain id of the SessionManager's domain.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The SessionManager's address.</summary>
    public required string SessionManager { get; init; }

    /// <summary>The session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The leaf's index in the session's log.</summary>
    public required ulong LeafIndex { get; init; }

    /// <summary>The leaf hash, <c>SHA-256(0x00 ‖ record)</c> (32 bytes).</summary>
    public required byte[] LeafHash { get; init; }

    /// <summary>The record sealed under the session's evidence key (<see cref="RecordSealer"/>, 111 bytes).</summary>
    public required byte[] SealedRecord { get; init; }

    /// <summary>The inclusion proof of the leaf in the log of <see cref="SignedCheckpoint.TreeSize"/> leaves of <see cref="Checkpoint"/>.</summary>
    public required IReadOnlyList<byte[]> InclusionProof { get; init; }

    /// <summary>The gateway's signed checkpoint the proof leads to.</summary>
    public required SignedCheckpoint Checkpoint { get; init; }

    /// <summary>The client's voucher for that checkpoint, when there is one (it commits to the same size and root).</summary>
    public SignedVoucher? Voucher { get; init; }

    /// <summary>
    /// Checks the proof for <paramref name="parties"/> (session id, domain and signers from the chain): the subject, the
    /// inclusion of the leaf hash under the checkpoint's root, the gateway's signature and, when present, the voucher.
    /// It does not open the record (<see cref="Open"/> checks it against <see cref="LeafHash"/>).
    /// </summary>
    public ProofCheck Verify(SessionLogParties parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (LeafHash is not { Length: MerkleHash.Size } || SealedRecord is null || InclusionProof is null || Checkpoint?.Root is not { Length: MerkleHash.Size } || string.IsNullOrEmpty(SessionManager))
        {
            return new ProofCheck(ProofError.Malformed, "leaf hash, record, proof or checkpoint missing or of the wrong length");
        }

        if (SessionId != parties.SessionId || ChainId != (ulong)parties.Domain.ChainId
            || !string.Equals(SessionManager, parties.Domain.VerifyingContract, StringComparison.OrdinalIgnoreCase))
        {
            return new ProofCheck(ProofError.WrongSubject, $"the proof is for session {SessionId} of {SessionManager} on chain {ChainId}");
        }

        if (!MerkleProofs.VerifyInclusion(LeafHash, LeafIndex, Checkpoint.TreeSize, InclusionProof, Checkpoint.Root))
        {
            return new ProofCheck(ProofError.InclusionInvalid, $"leaf {LeafIndex} is not in the log of {Checkpoint.TreeSize} leaves under the checkpoint's root");
        }

        if (!TypedDataSigner.Verify(Checkpoint.ToCheckpoint(SessionId), parties.Domain, Checkpoint.Signature ?? string.Empty, parties.Gateway))
        {
            return new ProofCheck(ProofError.BadCheckpointSignature, "the checkpoint is not signed by the session's gateway");
        }

        if (Voucher is { } voucher)
        {
            var head = new SessionLogCheckpoint(new TreeHead(Checkpoint.TreeSize, Checkpoint.Root), null, Checkpoint.EpochTime);
            if (!SessionLogVerifier.CheckVoucher(parties, head, voucher).IsValid)
            {
                return new ProofCheck(ProofError.BadVoucher, "the voucher does not commit to the checkpoint or is not signed by the session's client");
            }
        }

        return ProofCheck.Valid;
    }

    /// <summary>Opens the sealed record with the session's evidence key and checks it against <see cref="LeafHash"/>.</summary>
    /// <param name="evidenceKey">The session's evidence key (32 bytes), from a party or a disclosure.</param>
    public RecordOpening Open(ReadOnlySpan<byte> evidenceKey)
    {
        using var sealer = new RecordSealer(evidenceKey, ChainId, SessionManager, SessionId);
        return sealer.Open(LeafIndex, LeafHash, SealedRecord);
    }
}

using System.Numerics;
using Oracle.Core.Eip712;
using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>
/// Follows one session's evidence log checkpoint by checkpoint and checks everything the log itself proves
/// (docs/protocol.md §5.3, §5.4): each checkpoint continues the log (its records start at the log's size and reach the
/// checkpoint's tree size; epoch times do not go back), every record decodes and names the session, the checkpoint is
/// signed by the session's gateway, and the records appended to the log give the signed root; each voucher commits to
/// one of the log's checkpoints (size and root), pays for exactly the allowed octets of the log at that size, at least
/// the session's price, and is signed by the session's client. Used by the client's gateway on every epoch, by the
/// evidence collector on every batch (leaf hashes only: it cannot read the records) and by oracle nodes on a session's
/// whole evidence.
/// </summary>
/// <remarks>
/// The log is kept as a <see cref="CompactRange"/> (O(log n) memory). Each step is all or nothing: a refused checkpoint
/// leaves the verifier as it was. Not thread-safe.
/// </remarks>
public sealed class SessionLogVerifier
{
    private readonly List<SessionLogCheckpoint> _checkpoints = [];
    private Merkle.CompactRange _log;

    /// <summary>A verifier of the session's log from its first leaf.</summary>
    public SessionLogVerifier(SessionLogParties parties)
        : this(parties, Merkle.CompactRange.Empty, 0, 0)
    {
    }

    private SessionLogVerifier(SessionLogParties parties, Merkle.CompactRange log, ulong lastEpochTime, ulong? allowedOctets)
    {
        ArgumentNullException.ThrowIfNull(parties);
        Parties = parties;
        _log = log;
        LastEpochTime = lastEpochTime;
        AllowedOctets = allowedOctets;
    }

    /// <summary>
    /// A verifier that continues a log of which only the compact range is known (the collector's stored state of a
    /// session, an evidence batch's <see cref="EvidenceBatch.CompactRange"/>). The range's head counts as an accepted
    /// checkpoint, so a voucher for it can be checked.
    /// </summary>
    /// <param name="parties">The session's signers.</param>
    /// <param name="log">The log so far.</param>
    /// <param name="lastEpochTime">The epoch time of the last checkpoint (0 when unknown: not checked then).</param>
    /// <param name="allowedOctets">The allowed octets of the log so far, or null when unknown (no byte check for vouchers).</param>
    public static SessionLogVerifier Resume(SessionLogParties parties, Merkle.CompactRange log, ulong lastEpochTime, ulong? allowedOctets)
    {
        ArgumentNullException.ThrowIfNull(log);
        var verifier = new SessionLogVerifier(parties, log.Clone(), lastEpochTime, allowedOctets);
        if (log.Size > 0)
        {
            verifier._checkpoints.Add(new SessionLogCheckpoint(log.Head(), allowedOctets, lastEpochTime));
        }

        return verifier;
    }

    /// <summary>The session and its signers.</summary>
    public SessionLogParties Parties { get; }

    /// <summary>The log's size (leaves accepted so far).</summary>
    public ulong TreeSize => _log.Size;

    /// <summary>The epoch time of the last checkpoint accepted.</summary>
    public ulong LastEpochTime { get; private set; }

    /// <summary>Octets of the allowed records in the log; null once leaves were appended without their records.</summary>
    public ulong? AllowedOctets { get; private set; }

    /// <summary>The checkpoints accepted, in order (with the resumed head first, when resumed).</summary>
    public IReadOnlyList<SessionLogCheckpoint> Checkpoints => _checkpoints;

    /// <summary>The log's root.</summary>
    public byte[] Root() => _log.Root();

    /// <summary>The log's head (size and root).</summary>
    public TreeHead Head() => _log.Head();

    /// <summary>The log's compact range (a copy: store it to resume later).</summary>
    public Merkle.CompactRange CompactRange() => _log.Clone();

    /// <summary>
    /// Checks a checkpoint and its records (encoded, docs/protocol.md §5.1) against the log and, when valid, appends them.
    /// Checks in order: malformed fields, extension of the log, epoch time, record decoding and session, the gateway's
    /// signature, the root.
    /// </summary>
    /// <returns>Valid with the decoded records, or the first problem.</returns>
    public SessionLogVerification AppendRecords(ulong firstLeafIndex, IReadOnlyList<byte[]> records, SignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (Precheck(firstLeafIndex, records.Count, checkpoint) is { } refused)
        {
            return refused;
        }

        var decoded = new FlowRecord[records.Count];
        var allowed = AllowedOctets;
        var extended = _log.Clone();
        Span<byte> leafHash = stackalloc byte[MerkleHash.Size];
        for (var i = 0; i < records.Count; i++)
        {
            var error = records[i] is null ? FlowRecordError.WrongLength : FlowRecordEncoding.TryDecode(records[i], out decoded[i]);
            if (error != FlowRecordError.None)
            {
                return SessionLogVerification.Fail(SessionLogError.BadRecord, $"record {i} (leaf {firstLeafIndex + (ulong)i}): {FlowRecordEncoding.Describe(error)}");
            }

            if (decoded[i].SessionId != Parties.SessionId)
            {
                return SessionLogVerification.Fail(SessionLogError.RecordOfOtherSession, $"record {i} (leaf {firstLeafIndex + (ulong)i}) belongs to session {decoded[i].SessionId}");
            }

            if (decoded[i].Verdict == FlowVerdict.Allowed && allowed is { } sum)
            {
                allowed = sum + decoded[i].Octets;
            }

            MerkleHash.Leaf(records[i], leafHash);
            extended.Append(leafHash);
        }

        return Commit(extended, checkpoint, allowed, decoded);
    }

    /// <summary>
    /// Checks a checkpoint against the log extended by <paramref name="leafHashes"/> (the records themselves unseen: the
    /// collector holds them encrypted) and, when valid, appends them. The log's allowed octets become unknown.
    /// </summary>
    /// <returns>Valid (no records), or the first problem.</returns>
    public SessionLogVerification AppendLeafHashes(ulong firstLeafIndex, IReadOnlyList<byte[]> leafHashes, SignedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (Precheck(firstLeafIndex, leafHashes.Count, checkpoint) is { } refused)
        {
            return refused;
        }

        var extended = _log.Clone();
        for (var i = 0; i < leafHashes.Count; i++)
        {
            if (leafHashes[i] is not { Length: MerkleHash.Size })
            {
                return SessionLogVerification.Fail(SessionLogError.Malformed, $"leaf hash {i} is not 32 bytes");
            }

            extended.Append(leafHashes[i]);
        }

        return Commit(extended, checkpoint, null, []);
    }

    /// <summary>
    /// Checks a voucher against the log: it commits to an accepted checkpoint (size and root), pays for the allowed
    /// octets of the log at that size (when known), at least <paramref name="pricePerMiB"/> per MiB (when given), and is
    /// signed by the session's client. Changes nothing.
    /// </summary>
    public SessionLogVerification CheckVoucher(SignedVoucher voucher, BigInteger? pricePerMiB = null)
    {
        ArgumentNullException.ThrowIfNull(voucher);
        var checkpoint = _checkpoints.FindLast(c => c.Head.Size == voucher.LogSize);
        return checkpoint is null
            ? SessionLogVerification.Fail(SessionLogError.VoucherForUnknownCheckpoint, $"no checkpoint of the log has {voucher.LogSize} leaves")
            : CheckVoucher(Parties, checkpoint, voucher, pricePerMiB);
    }

    /// <summary>
    /// Checks a voucher against one checkpoint of the session's log (a checkpoint the caller verified): same size and
    /// root, the allowed octets of the log then (when known), at least <paramref name="pricePerMiB"/> per MiB (when
    /// given), signed by the session's client.
    /// </summary>
    public static SessionLogVerification CheckVoucher(SessionLogParties parties, SessionLogCheckpoint checkpoint, SignedVoucher voucher, BigInteger? pricePerMiB = null)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(voucher);
        if (voucher.LogRoot is not { Length: MerkleHash.Size } || string.IsNullOrEmpty(voucher.Signature))
        {
            return SessionLogVerification.Fail(SessionLogError.Malformed, "the voucher's root is not 32 bytes, or it has no signature");
        }

        Voucher typed;
        try
        {
            typed = voucher.ToVoucher(parties.SessionId);
        }
        catch (Exception e) when (e is FormatException or ArgumentNullException)
        {
            return SessionLogVerification.Fail(SessionLogError.Malformed, "the voucher's amount is not a decimal integer");
        }

        if (voucher.LogSize != checkpoint.Head.Size)
        {
            return SessionLogVerification.Fail(SessionLogError.VoucherForUnknownCheckpoint, $"the voucher is for {voucher.LogSize} leaves, the checkpoint has {checkpoint.Head.Size}");
        }

        if (!checkpoint.Head.Root.AsSpan().SequenceEqual(voucher.LogRoot))
        {
            return SessionLogVerification.Fail(SessionLogError.VoucherRootMismatch, $"the voucher commits to another root than the log's at {voucher.LogSize} leaves");
        }

        if (checkpoint.AllowedOctets is { } octets && voucher.CumulativeBytes != octets)
        {
            return SessionLogVerification.Fail(SessionLogError.VoucherBytesMismatch, $"the voucher pays for {voucher.CumulativeBytes} bytes; the log's allowed records hold {octets}");
        }

        if (pricePerMiB is { } price && typed.CumulativeAmount < VoucherPricing.AmountFor(voucher.CumulativeBytes, price))
        {
            return SessionLogVerification.Fail(SessionLogError.VoucherUnderpaid, $"the voucher pays {typed.CumulativeAmount} for {voucher.CumulativeBytes} bytes at {price} per MiB");
        }

        if (parties.Client is not { } client || !TypedDataSigner.Verify(typed, parties.Domain, voucher.Signature, client))
        {
            return SessionLogVerification.Fail(SessionLogError.BadVoucherSignature, "the voucher is not signed by the session's client");
        }

        return new SessionLogVerification(SessionLogError.None, "valid", []);
    }

    private SessionLogVerification? Precheck(ulong firstLeafIndex, int count, SignedCheckpoint checkpoint)
    {
        if (checkpoint is null || checkpoint.Root is not { Length: MerkleHash.Size } || string.IsNullOrEmpty(checkpoint.Signature))
        {
            return SessionLogVerification.Fail(SessionLogError.Malformed, "the checkpoint is missing, its root is not 32 bytes, or it has no signature");
        }

        if (firstLeafIndex != _log.Size || count == 0 || checkpoint.TreeSize != firstLeafIndex + (ulong)count)
        {
            return SessionLogVerification.Fail(SessionLogError.NotAnExtension,
                $"{count} records from leaf {firstLeafIndex} to tree size {checkpoint.TreeSize} do not extend the log of {_log.Size} leaves");
        }

        if (checkpoint.EpochTime < LastEpochTime)
        {
            return SessionLogVerification.Fail(SessionLogError.TimeReversed, $"epoch time {checkpoint.EpochTime} is before the previous {LastEpochTime}");
        }

        return null;
    }

    private SessionLogVerification Commit(Merkle.CompactRange extended, SignedCheckpoint checkpoint, ulong? allowed, FlowRecord[] records)
    {
        if (!TypedDataSigner.Verify(checkpoint.ToCheckpoint(Parties.SessionId), Parties.Domain, checkpoint.Signature, Parties.Gateway))
        {
            return SessionLogVerification.Fail(SessionLogError.BadCheckpointSignature, "the checkpoint is not signed by the session's gateway");
        }

        var root = extended.Root();
        if (!root.AsSpan().SequenceEqual(checkpoint.Root))
        {
            return SessionLogVerification.Fail(SessionLogError.RootMismatch,
                $"the records give another root than the checkpoint's at tree size {checkpoint.TreeSize} (the log had {_log.Size} leaves)");
        }

        _log = extended;
        LastEpochTime = checkpoint.EpochTime;
        AllowedOctets = allowed;
        _checkpoints.Add(new SessionLogCheckpoint(new TreeHead(extended.Size, root), allowed, checkpoint.EpochTime));
        return new SessionLogVerification(SessionLogError.None, "valid", records);
    }
}

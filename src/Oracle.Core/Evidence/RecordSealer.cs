using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Oracle.Core.Merkle;

namespace Oracle.Core.Evidence;

/// <summary>
/// Seals and opens the flow records of one session under the session's evidence key (docs/protocol.md §5.5), so that the
/// evidence published on the bus and stored by collectors is provable (leaf hashes, roots, signatures) but readable only
/// by the session's two parties and whoever they disclose the key to (<see cref="EvidenceKeyDisclosure"/>).
/// </summary>
/// <remarks>
/// AES-256-GCM (NIST SP 800-38D): key = the session's 32-byte evidence key; nonce = <c>0x00000000 ‖ leafIndex u64</c>
/// (big-endian; each leaf of the session is sealed once, and its bytes never change: the log is append-only); associated
/// data = <c>"oracle evidence record v1" ‖ chainId u64 ‖ SessionManager (20 bytes) ‖ sessionId u64 ‖ leafIndex u64 ‖
/// leafHash[32]</c>; output = ciphertext (95 bytes) ‖ tag (16 bytes). The leaf hash stays <c>SHA-256(0x00 ‖ record)</c>
/// of the plaintext, so checkpoint and voucher roots and the on-chain record proofs are unchanged. Opening checks the tag,
/// then that the plaintext hashes to the leaf hash the log holds, decodes and names the session.
/// One instance per session; not thread-safe (the AES key schedule is kept).
/// </remarks>
public sealed class RecordSealer : IDisposable
{
    /// <summary>The length of an evidence key.</summary>
    public const int KeySize = 32;

    /// <summary>The AEAD tag's length.</summary>
    public const int TagSize = 16;

    /// <summary>The length of a sealed record: the encoded record and the tag.</summary>
    public const int SealedSize = FlowRecordEncoding.Size + TagSize;

    private static readonly byte[] Label = Encoding.ASCII.GetBytes("oracle evidence record v1");
    private readonly AesGcm _aes;
    private readonly byte[] _associated;
    private readonly ulong _sessionId;

    /// <summary>A sealer for session <paramref name="sessionId"/> of <paramref name="sessionManager"/> on <paramref name="chainId"/>.</summary>
    /// <param name="key">The session's evidence key (32 bytes).</param>
    /// <param name="chainId">The chain id.</param>
    /// <param name="sessionManager">The SessionManager's address (0x-prefixed).</param>
    /// <param name="sessionId">The session.</param>
    /// <exception cref="ArgumentException">The key is not 32 bytes or the address not 20.</exception>
    public RecordSealer(ReadOnlySpan<byte> key, ulong chainId, string sessionManager, ulong sessionId)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"an evidence key has {KeySize} bytes", nameof(key));
        }

        _aes = new AesGcm(key, TagSize);
        _sessionId = sessionId;
        _associated = new byte[Label.Length + 8 + 20 + 8 + 8 + MerkleHash.Size];
        Label.CopyTo(_associated, 0);
        var at = Label.Length;
        BinaryPrimitives.WriteUInt64BigEndian(_associated.AsSpan(at), chainId);
        Address(sessionManager).CopyTo(_associated, at + 8);
        BinaryPrimitives.WriteUInt64BigEndian(_associated.AsSpan(at + 28), sessionId);
    }

    /// <summary>A new random evidence key (32 bytes from the system's CSPRNG).</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>Seals leaf <paramref name="leafIndex"/>: <paramref name="record"/> (95 bytes) whose leaf hash is <paramref name="leafHash"/>.</summary>
    /// <param name="leafIndex">The leaf's index in the session's log.</param>
    /// <param name="record">The encoded record.</param>
    /// <param name="leafHash">Its leaf hash, <c>SHA-256(0x00 ‖ record)</c>.</param>
    /// <param name="destination">At least <see cref="SealedSize"/> bytes.</param>
    public void Seal(ulong leafIndex, ReadOnlySpan<byte> record, ReadOnlySpan<byte> leafHash, Span<byte> destination)
    {
        if (record.Length != FlowRecordEncoding.Size || leafHash.Length != MerkleHash.Size || destination.Length < SealedSize)
        {
            throw new ArgumentException($"a record has {FlowRecordEncoding.Size} bytes, a leaf hash 32, a sealed record {SealedSize}");
        }

        Span<byte> nonce = stackalloc byte[12];
        Prepare(leafIndex, leafHash, nonce);
        _aes.Encrypt(nonce, record, destination[..FlowRecordEncoding.Size], destination.Slice(FlowRecordEncoding.Size, TagSize), _associated);
    }

    /// <summary>Seals leaf <paramref name="leafIndex"/> (its leaf hash computed here).</summary>
    public byte[] Seal(ulong leafIndex, ReadOnlySpan<byte> record)
    {
        Span<byte> leafHash = stackalloc byte[MerkleHash.Size];
        MerkleHash.Leaf(record, leafHash);
        var sealedRecord = new byte[SealedSize];
        Seal(leafIndex, record, leafHash, sealedRecord);
        return sealedRecord;
    }

    /// <summary>
    /// Opens leaf <paramref name="leafIndex"/> whose leaf hash (from the signed log) is <paramref name="leafHash"/>:
    /// authenticates, checks the plaintext against the leaf hash, decodes it and checks its session.
    /// </summary>
    public RecordOpening Open(ulong leafIndex, ReadOnlySpan<byte> leafHash, ReadOnlySpan<byte> sealedRecord)
    {
        if (sealedRecord.Length != SealedSize || leafHash.Length != MerkleHash.Size)
        {
            return new(SealedRecordError.WrongLength, $"a sealed record has {SealedSize} bytes and a leaf hash 32");
        }

        Span<byte> nonce = stackalloc byte[12];
        Prepare(leafIndex, leafHash, nonce);
        var plaintext = new byte[FlowRecordEncoding.Size];
        try
        {
            _aes.Decrypt(nonce, sealedRecord[..FlowRecordEncoding.Size], sealedRecord.Slice(FlowRecordEncoding.Size, TagSize), plaintext, _associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            return new(SealedRecordError.AuthenticationFailed, $"leaf {leafIndex} does not open under this key for this session, index and leaf hash");
        }

        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.Leaf(plaintext, hash);
        if (!hash.SequenceEqual(leafHash))
        {
            return new(SealedRecordError.LeafHashMismatch, $"leaf {leafIndex} opens to a record whose leaf hash is not the log's");
        }

        var error = FlowRecordEncoding.TryDecode(plaintext, out var record);
        if (error != FlowRecordError.None)
        {
            return new(SealedRecordError.BadRecord, $"leaf {leafIndex}: {FlowRecordEncoding.Describe(error)}");
        }

        return record.SessionId == _sessionId
            ? new(SealedRecordError.None, "opened", record, plaintext)
            : new(SealedRecordError.RecordOfOtherSession, $"leaf {leafIndex} belongs to session {record.SessionId}");
    }

    /// <inheritdoc/>
    public void Dispose() => _aes.Dispose();

    internal static byte[] Address(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var hex = address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? address[2..] : address;
        return hex.Length == 40 && hex.All(char.IsAsciiHexDigit)
            ? Convert.FromHexString(hex)
            : throw new ArgumentException("an address is 20 bytes of hex", nameof(address));
    }

    // The nonce and the associated data's leaf index and leaf hash (the session's part is fixed).
    private void Prepare(ulong leafIndex, ReadOnlySpan<byte> leafHash, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], leafIndex);
        BinaryPrimitives.WriteUInt64BigEndian(_associated.AsSpan(Label.Length + 36), leafIndex);
        leafHash.CopyTo(_associated.AsSpan(Label.Length + 44));
    }
}

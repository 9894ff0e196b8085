using System.Buffers.Binary;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace Oracle.Core.Proofs;

/// <summary>
/// A leaf of an evidence collector's global log: one session checkpoint it accepted (docs/protocol.md §5.6). Its
/// canonical encoding (158 bytes, big-endian) is <c>version 0x01 ‖ chainId u64 ‖ SessionManager (20 bytes) ‖ sessionId u64
/// ‖ treeSize u64 ‖ root[32] ‖ epochTime u64 ‖ captureDrops u64 ‖ gateway signature (65 bytes r ‖ s ‖ v)</c>, and the leaf
/// hash is <c>SHA-256(0x00 ‖ encoding)</c> as for every RFC 9162 leaf. Anyone can rebuild it from the signed checkpoint,
/// so the collector's log commits to exactly the checkpoints it accepted.
/// </summary>
public sealed record CheckpointLeaf
{
    /// <summary>The encoding version.</summary>
    public const byte Version = 1;

    /// <summary>The length of the encoding.</summary>
    public const int Size = 1 + 8 + 20 + 8 + 8 + MerkleHash.Size + 8 + 8 + 65;

    /// <summary>The chain id of the session's domain.</summary>
    public required ulong ChainId { get; init; }

    /// <summary>The SessionManager's address (0x-prefixed; lower case when decoded).</summary>
    public required string SessionManager { get; init; }

    /// <summary>The session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The gateway's signed checkpoint.</summary>
    public required SignedCheckpoint Checkpoint { get; init; }

    /// <summary>The canonical encoding.</summary>
    /// <exception cref="ArgumentException">A root that is not 32 bytes, a signature that is not 65, an address that is not 20.</exception>
    public byte[] Encode()
    {
        if (Checkpoint?.Root is not { Length: MerkleHash.Size })
        {
            throw new ArgumentException("a checkpoint root has 32 bytes");
        }

        var signature = Convert.FromHexString(Checkpoint.Signature.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Checkpoint.Signature[2..] : Checkpoint.Signature);
        if (signature.Length != 65)
        {
            throw new ArgumentException("a signature has 65 bytes");
        }

        var bytes = new byte[Size];
        var s = bytes.AsSpan();
        s[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(s[1..], ChainId);
        RecordSealer.Address(SessionManager).CopyTo(s[9..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[29..], SessionId);
        BinaryPrimitives.WriteUInt64BigEndian(s[37..], Checkpoint.TreeSize);
        Checkpoint.Root.CopyTo(s[45..]);
        BinaryPrimitives.WriteUInt64BigEndian(s[77..], Checkpoint.EpochTime);
        BinaryPrimitives.WriteUInt64BigEndian(s[85..], Checkpoint.CaptureDrops);
        signature.CopyTo(s[93..]);
        return bytes;
    }

    /// <summary>The leaf hash of the encoding.</summary>
    public byte[] LeafHash() => MerkleHash.Leaf(Encode());

    /// <summary>Decodes a leaf; false when it is not <see cref="Size"/> bytes of version <see cref="Version"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, out CheckpointLeaf? leaf)
    {
        leaf = null;
        if (encoded.Length != Size || encoded[0] != Version)
        {
            return false;
        }

        leaf = new CheckpointLeaf
        {
            ChainId = BinaryPrimitives.ReadUInt64BigEndian(encoded[1..]),
            SessionManager = "0x" + Convert.ToHexStringLower(encoded.Slice(9, 20)),
            SessionId = BinaryPrimitives.ReadUInt64BigEndian(encoded[29..]),
            Checkpoint = new SignedCheckpoint
            {
                TreeSize = BinaryPrimitives.ReadUInt64BigEndian(encoded[37..]),
                Root = encoded.Slice(45, MerkleHash.Size).ToArray(),
                EpochTime = BinaryPrimitives.ReadUInt64BigEndian(encoded[77..]),
                CaptureDrops = BinaryPrimitives.ReadUInt64BigEndian(encoded[85..]),
                Signature = "0x" + Convert.ToHexStringLower(encoded.Slice(93, 65)),
            },
        };
        return true;
    }
}

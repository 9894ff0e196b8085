using System.Buffers.Binary;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Voucher = Oracle.Chain.Contracts.Voucher;
using Oracle.Core.Merkle;

namespace Oracle.Contracts.Tests.Support;

/// <summary>Evidence logs of flow records with the header of docs/protocol.md §7.3, and record proofs into them.</summary>
internal static class FlowRecords
{
    /// <summary>A version 1 flow record (95 bytes, docs/protocol.md §5.1) with the §7.3 header; the rest is filler.</summary>
    public static byte[] Record(ulong sessionId, uint ruleId, byte verdict, byte fill = 0)
    {
        var record = new byte[95];
        record[0] = 1;
        BinaryPrimitives.WriteUInt64BigEndian(record.AsSpan(1), sessionId);
        record[9] = verdict;
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(10), ruleId);
        for (var i = 14; i < record.Length; i++)
        {
            record[i] = (byte)((i * 7) + fill);
        }

        return record;
    }

    /// <summary>
    /// A log of <paramref name="size"/> allowed records with one denied record of <paramref name="ruleId"/> at
    /// <paramref name="index"/> (whose filler bytes follow <paramref name="deniedFill"/>, to make distinct records).
    /// </summary>
    public static (MerkleTree Tree, byte[] Denied) Log(ulong sessionId, uint ruleId, int size, int index, byte deniedFill = 0)
    {
        var tree = new MerkleTree();
        byte[] denied = [];
        for (var i = 0; i < size; i++)
        {
            var r = i == index ? Record(sessionId, ruleId, 1, deniedFill) : Record(sessionId, 0, 0, fill: (byte)i);
            if (i == index)
            {
                denied = r;
            }

            tree.Append(r);
        }

        return (tree, denied);
    }

    /// <summary>The same proof as Oracle.Core's type, whose <c>Hash</c> a relayed filing signs.</summary>
    public static Oracle.Core.Eip712.RecordProof ToCore(RecordProof p) => new()
    {
        Leaf = p.Leaf,
        LeafIndex = p.LeafIndex,
        AuditPath = p.AuditPath,
        Voucher = new Oracle.Core.Eip712.Voucher { SessionId = p.Voucher.SessionId, CumulativeAmount = p.Voucher.CumulativeAmount, CumulativeBytes = p.Voucher.CumulativeBytes, LogSize = p.Voucher.LogSize, LogRoot = p.Voucher.LogRoot },
        Signature = p.Signature,
    };

    public static RecordProof Proof(byte[] leaf, ulong index, MerkleTree tree, Voucher voucher, byte[] signature) => new()
    {
        Leaf = leaf,
        LeafIndex = index,
        AuditPath = tree.InclusionProof(index, tree.Size).ToList(),
        Voucher = voucher,
        Signature = signature,
    };
}

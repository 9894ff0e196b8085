using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Util;

namespace Oracle.Core.Eip712;

/// <summary>
/// A record proof as the DisputeManager takes it (<c>IDisputeManager.RecordProof</c>): a flow record, its inclusion
/// proof, and the client's voucher over the root. Here for <see cref="Hash"/>, which a <see cref="Filing"/> signs.
/// </summary>
[Struct("RecordProof")]
public sealed class RecordProof
{
    /// <summary>The flow record (the leaf's data).</summary>
    [Parameter("bytes", "leaf", 1)] public byte[] Leaf { get; set; } = [];

    /// <summary>Its index in the log.</summary>
    [Parameter("uint64", "leafIndex", 2)] public ulong LeafIndex { get; set; }

    /// <summary>The RFC 9162 inclusion proof in the tree of the voucher's log size.</summary>
    [Parameter("bytes32[]", "auditPath", 3)] public List<byte[]> AuditPath { get; set; } = [];

    /// <summary>The client's voucher committing to the root.</summary>
    [Parameter("tuple", "voucher", 4)] public Voucher Voucher { get; set; } = new();

    /// <summary>The client's signature of the voucher.</summary>
    [Parameter("bytes", "signature", 5)] public byte[] Signature { get; set; } = [];

    /// <summary>
    /// A filing's <c>proofHash</c>: 32 zero bytes without a proof, else <c>keccak256(abi.encode(proof))</c> (the
    /// struct as one ABI value: a 32-byte offset, then the tuple).
    /// </summary>
    public static byte[] Hash(RecordProof? proof)
    {
        if (proof is null)
        {
            return new byte[32];
        }

        var tuple = new ABIEncode().GetABIParamsEncoded(proof);
        var encoded = new byte[32 + tuple.Length];
        encoded[31] = 32;
        tuple.CopyTo(encoded, 32);
        return Sha3Keccack.Current.CalculateHash(encoded);
    }
}

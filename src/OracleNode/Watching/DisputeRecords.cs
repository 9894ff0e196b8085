using Nethereum.ABI;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Util;
using Oracle.Chain.Contracts;

namespace OracleNode.Watching;

/// <summary>
/// The hash-committed structs the contracts take back as arguments (<see cref="Dispute"/>, <see cref="Session"/>),
/// stored as their ABI encoding (what the contract hashes) and rebuilt from it; docs/protocol.md §7.4.
/// </summary>
internal static class DisputeRecords
{
    /// <summary><c>abi.encode(dispute)</c> as 0x-hex.</summary>
    public static string Encode(Dispute dispute) => Hex(new ABIEncode().GetABIParamsEncoded(dispute));

    /// <summary><c>abi.encode(session)</c> as 0x-hex.</summary>
    public static string Encode(Session session) => Hex(new ABIEncode().GetABIParamsEncoded(session));

    /// <summary>The record from its encoding.</summary>
    public static Dispute Decode(string record) => new FunctionCallDecoder().DecodeFunctionOutput<DisputeTuple>(record).Value;

    /// <summary>The session terms from their encoding.</summary>
    public static Session DecodeSession(string terms) => new FunctionCallDecoder().DecodeFunctionOutput<SessionTuple>(terms).Value;

    /// <summary><c>keccak256</c> of an encoding, 0x-hex.</summary>
    public static string HashOf(string encoded) => Hex(Sha3Keccack.Current.CalculateHash(Convert.FromHexString(encoded.AsSpan(2))));

    /// <summary>
    /// Whether the contract's <c>disputeInfo(id).disputeHash</c> (the first 31 bytes of the record hash, last byte zero)
    /// is this record's: false after a reorganization gave the id to another dispute, or before the filing is mined.
    /// </summary>
    public static bool Matches(string recordHash, byte[] onChainHash)
    {
        var mine = Convert.FromHexString(recordHash.AsSpan(2));
        return onChainHash is { Length: 32 } && mine.AsSpan(0, 31).SequenceEqual(onChainHash.AsSpan(0, 31));
    }

    /// <summary>0x-prefixed lower-case hex.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    /// <summary>Bytes of a 0x-hex string.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex.AsSpan(2) : hex);

    // abi.encode of a static struct is the encoding of one static tuple: decoded through these wrappers.
    [FunctionOutput]
    private sealed class DisputeTuple
    {
        [Parameter("tuple", "value", 1)]
        public Dispute Value { get; set; } = new();
    }

    [FunctionOutput]
    private sealed class SessionTuple
    {
        [Parameter("tuple", "value", 1)]
        public Session Value { get; set; } = new();
    }
}

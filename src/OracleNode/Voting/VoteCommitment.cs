using System.Security.Cryptography;
using Nethereum.ABI;
using Nethereum.Util;
using OracleNode.Watching;

namespace OracleNode.Voting;

/// <summary>
/// A juror's commitment, <c>keccak256(abi.encode(address juror, uint64 disputeId, uint8 round, uint8 vote, bytes32 salt))</c>
/// (docs/protocol.md §7.4, the contract's <c>commitmentOf</c>); the contract keeps its first 27 bytes.
/// </summary>
internal static class VoteCommitment
{
    /// <summary>The commitment, 32 bytes.</summary>
    public static byte[] Of(string juror, ulong disputeId, int round, byte vote, ReadOnlySpan<byte> salt)
    {
        var encoded = new ABIEncode().GetABIEncoded(
            new ABIValue("address", juror),
            new ABIValue("uint64", disputeId),
            new ABIValue("uint8", (byte)round),
            new ABIValue("uint8", vote),
            new ABIValue("bytes32", salt.ToArray()));
        return Sha3Keccack.Current.CalculateHash(encoded);
    }

    /// <summary>A fresh salt from the operating system's CSPRNG.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Whether the contract's stored commitment (its first 27 bytes, as <c>jurorVote</c> returns them) is <paramref name="commitment"/>.</summary>
    public static bool Matches(string commitment, byte[] stored)
    {
        var mine = DisputeRecords.Bytes(commitment);
        return stored is { Length: >= 27 } && mine.AsSpan(0, 27).SequenceEqual(stored.AsSpan(0, 27));
    }

    /// <summary>Whether the contract holds no commitment (all zero).</summary>
    public static bool IsEmpty(byte[]? stored) => stored is null || stored.All(b => b == 0);
}

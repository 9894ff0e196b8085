using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;

namespace Oracle.Core.Randomness;

/// <summary>
/// A proving key of LocalVrfCoordinator: a BLS secret scalar on BN254. Its answer to a request is the BLS signature of
/// the request's seed (<see cref="Seed"/>), a G1 point, which the coordinator verifies on-chain; the random words are
/// <c>keccak256(abi.encode(x, y, i))</c> of that point (<see cref="Word"/>). The signature is unique for the key and
/// the seed, so the key holder cannot choose the words.
/// </summary>
public sealed class VrfKey
{
    private readonly BigInteger _secret;

    private VrfKey(BigInteger secret)
    {
        _secret = secret;
        PublicKey = Bn254.Multiply(Bn254.G2Generator, secret);
        var abi = new ABIEncode();
        var words = PublicKey.ToEip197();
        KeyHash = Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(words.Select(w => new ABIValue("uint256", w)).ToArray()));
    }

    /// <summary>The public key: the secret times G2's generator.</summary>
    public G2Point PublicKey { get; }

    /// <summary><c>keccak256(abi.encode(uint256[4] publicKey))</c> in EIP-197 order: the key hash requests name.</summary>
    public byte[] KeyHash { get; }

    /// <summary>A key from 32 secret bytes (big-endian, reduced mod r; zero is refused).</summary>
    /// <exception cref="ArgumentException">Not 32 bytes, or zero mod r.</exception>
    public static VrfKey FromSecret(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != 32)
        {
            throw new ArgumentException("a VRF secret is 32 bytes", nameof(secret));
        }

        var scalar = new BigInteger(secret, isUnsigned: true, isBigEndian: true) % Bn254.R;
        return scalar.IsZero ? throw new ArgumentException("the VRF secret is zero modulo the group order", nameof(secret)) : new VrfKey(scalar);
    }

    /// <summary>The seed of a request: <c>keccak256(abi.encode(uint256 requestId, bytes32 requestBlockHash))</c>.</summary>
    /// <exception cref="ArgumentException">The block hash is not 32 bytes.</exception>
    public static byte[] Seed(BigInteger requestId, ReadOnlySpan<byte> requestBlockHash)
    {
        if (requestBlockHash.Length != 32)
        {
            throw new ArgumentException("a block hash is 32 bytes", nameof(requestBlockHash));
        }

        return Sha3Keccack.Current.CalculateHash(new ABIEncode().GetABIEncoded(new ABIValue("uint256", requestId), new ABIValue("bytes32", requestBlockHash.ToArray())));
    }

    /// <summary>Random word <paramref name="index"/> of an answer: <c>keccak256(abi.encode(x, y, index))</c>.</summary>
    public static BigInteger Word(G1Point signature, int index)
        => new(Sha3Keccack.Current.CalculateHash(new ABIEncode().GetABIEncoded(new ABIValue("uint256", signature.X), new ABIValue("uint256", signature.Y), new ABIValue("uint256", index))), isUnsigned: true, isBigEndian: true);

    /// <summary>The BLS signature of <paramref name="seed"/>: the secret times the seed's point in G1.</summary>
    public G1Point Prove(ReadOnlySpan<byte> seed) => Bn254.Multiply(Bn254.HashToG1(seed), _secret);
}

using System.Numerics;
using Nethereum.ABI;
using Nethereum.Util;

namespace Oracle.Core.Randomness;

/// <summary>
/// The BN254 (alt_bn128) curve of the EIP-196/197 precompiles: G1 over F_p (y² = x³ + 3) and G2 over F_p² (the
/// sextic twist), with what a BLS signer needs off-chain: hashing a message to G1 exactly as
/// <c>contracts/src/libraries/Bn254.sol</c> does, and scalar multiplication in G1 and G2. Verification is the
/// contracts' (the pairing precompile).
/// </summary>
/// <remarks>
/// Affine coordinates with modular inverses: slow (milliseconds per multiplication) but simple, and a VRF key signs
/// one message per committee draw. Not constant-time: it runs on the key holder's machine only.
/// </remarks>
public static class Bn254
{
    /// <summary>The base field's modulus p.</summary>
    public static readonly BigInteger P = BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The order r of G1 and G2.</summary>
    public static readonly BigInteger R = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The generator of G1, (1, 2).</summary>
    public static readonly G1Point G1Generator = new(1, 2);

    /// <summary>The generator of G2 (EIP-197's).</summary>
    public static readonly G2Point G2Generator = new(
        new Fp2(Parse("10857046999023057135944570762232829481370756359578518086990519993285655852781"), Parse("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
        new Fp2(Parse("8495653923123431417604973247489272438418190587263600148770280649306958101930"), Parse("4082367875863433681332203403145435568316851327593401208105741076214120093531")));

    /// <summary>The twist's coefficient b' = 3 / (9 + i): G2 points satisfy y² = x³ + b'.</summary>
    public static readonly Fp2 TwistB = new Fp2(3, 0).Divide(new Fp2(9, 1));

    private static readonly BigInteger SqrtExponent = (P + 1) / 4;

    /// <summary>
    /// The G1 point a 32-byte message hashes to: for i = 0, 1, … take x = keccak256(abi.encode(message, i)) mod p
    /// until x³ + 3 is a square; y = (x³ + 3)^((p+1)/4) mod p.
    /// </summary>
    /// <param name="message">32 bytes.</param>
    /// <exception cref="ArgumentException">The message is not 32 bytes.</exception>
    public static G1Point HashToG1(ReadOnlySpan<byte> message)
    {
        if (message.Length != 32)
        {
            throw new ArgumentException("the message is 32 bytes", nameof(message));
        }

        var abi = new ABIEncode();
        var bytes = message.ToArray();
        for (var i = 0; i < 256; i++)
        {
            var hash = Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(new ABIValue("bytes32", bytes), new ABIValue("uint256", i)));
            var x = new BigInteger(hash, isUnsigned: true, isBigEndian: true) % P;
            var y2 = (x * x % P * x + 3) % P;
            var y = BigInteger.ModPow(y2, SqrtExponent, P);
            if (y * y % P == y2)
            {
                return new G1Point(x, y);
            }
        }

        throw new InvalidOperationException("no x of 256 tries was on the curve");
    }

    /// <summary><paramref name="k"/> times <paramref name="point"/> in G1.</summary>
    public static G1Point Multiply(G1Point point, BigInteger k)
    {
        var result = G1Point.Infinity;
        var addend = point;
        k %= R;
        while (!k.IsZero)
        {
            if (!k.IsEven)
            {
                result = Add(result, addend);
            }

            addend = Add(addend, addend);
            k >>= 1;
        }

        return result;
    }

    /// <summary>The sum of two G1 points.</summary>
    public static G1Point Add(G1Point a, G1Point b)
    {
        if (a.IsInfinity)
        {
            return b;
        }

        if (b.IsInfinity)
        {
            return a;
        }

        BigInteger lambda;
        if (a.X == b.X)
        {
            if ((a.Y + b.Y) % P == 0)
            {
                return G1Point.Infinity;
            }

            lambda = 3 * a.X * a.X % P * Inverse(2 * a.Y) % P;
        }
        else
        {
            lambda = Mod(b.Y - a.Y) * Inverse(Mod(b.X - a.X)) % P;
        }

        var x = Mod((lambda * lambda) - a.X - b.X);
        return new G1Point(x, Mod((lambda * (a.X - x)) - a.Y));
    }

    /// <summary><paramref name="k"/> times <paramref name="point"/> in G2.</summary>
    public static G2Point Multiply(G2Point point, BigInteger k)
    {
        var result = G2Point.Infinity;
        var addend = point;
        k %= R;
        while (!k.IsZero)
        {
            if (!k.IsEven)
            {
                result = Add(result, addend);
            }

            addend = Add(addend, addend);
            k >>= 1;
        }

        return result;
    }

    /// <summary>The sum of two G2 points.</summary>
    public static G2Point Add(G2Point a, G2Point b)
    {
        if (a.IsInfinity)
        {
            return b;
        }

        if (b.IsInfinity)
        {
            return a;
        }

        Fp2 lambda;
        if (a.X == b.X)
        {
            if ((a.Y + b.Y).IsZero)
            {
                return G2Point.Infinity;
            }

            lambda = (a.X * a.X * new Fp2(3, 0)).Divide(a.Y + a.Y);
        }
        else
        {
            lambda = (b.Y - a.Y).Divide(b.X - a.X);
        }

        var x = (lambda * lambda) - a.X - b.X;
        return new G2Point(x, (lambda * (a.X - x)) - a.Y);
    }

    /// <summary>Whether a G1 point is on the curve (infinity counts).</summary>
    public static bool IsOnCurve(G1Point p) => p.IsInfinity || Mod((p.Y * p.Y) - (p.X * p.X % P * p.X) - 3) == 0;

    /// <summary>Whether a G2 point is on the twist (infinity counts).</summary>
    public static bool IsOnCurve(G2Point p) => p.IsInfinity || (p.Y * p.Y) == (p.X * p.X * p.X) + TwistB;

    internal static BigInteger Mod(BigInteger v)
    {
        v %= P;
        return v.Sign < 0 ? v + P : v;
    }

    internal static BigInteger Inverse(BigInteger v) => BigInteger.ModPow(Mod(v), P - 2, P);

    private static BigInteger Parse(string s) => BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
}

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
/// Jacobian coordinates (one inverse per multiplication) over BigInteger: a few milliseconds per multiplication, and a
/// VRF key signs one message per committee draw. Not constant-time: it runs on the key holder's machine only.
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
    private static readonly Fp2 Two = new(2, 0);
    private static readonly Fp2 Three = new(3, 0);
    private static readonly Fp2 Eight = new(8, 0);

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
        if (point.IsInfinity)
        {
            return point;
        }

        var (x, y) = Multiply(new Fp2(point.X, 0), new Fp2(point.Y, 0), k);
        return x is { } ax ? new G1Point(ax.Re, y!.Value.Re) : G1Point.Infinity;
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

        var sum = ToAffine(AddJacobian(FromAffine(new Fp2(a.X, 0), new Fp2(a.Y, 0)), FromAffine(new Fp2(b.X, 0), new Fp2(b.Y, 0))));
        return sum is { } s ? new G1Point(s.X.Re, s.Y.Re) : G1Point.Infinity;
    }

    /// <summary><paramref name="k"/> times <paramref name="point"/> in G2.</summary>
    public static G2Point Multiply(G2Point point, BigInteger k)
    {
        if (point.IsInfinity)
        {
            return point;
        }

        var (x, y) = Multiply(point.X, point.Y, k);
        return x is { } ax ? new G2Point(ax, y!.Value) : G2Point.Infinity;
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

        var sum = ToAffine(AddJacobian(FromAffine(a.X, a.Y), FromAffine(b.X, b.Y)));
        return sum is { } s ? new G2Point(s.X, s.Y) : G2Point.Infinity;
    }

    // Points of y² = x³ + b (a = 0) over F_p² in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is infinity): G1's
    // points are those with zero imaginary parts, and b never enters the formulas, so one implementation serves both.
    private static (Fp2? X, Fp2? Y) Multiply(Fp2 x, Fp2 y, BigInteger k)
    {
        k %= R;
        if (k.Sign < 0)
        {
            k += R;
        }

        var result = (X: new Fp2(1, 0), Y: new Fp2(1, 0), Z: default(Fp2));
        var addend = FromAffine(x, y);
        while (!k.IsZero)
        {
            if (!k.IsEven)
            {
                result = AddJacobian(result, addend);
            }

            addend = DoubleJacobian(addend);
            k >>= 1;
        }

        var affine = ToAffine(result);
        return affine is { } a ? (a.X, a.Y) : (null, null);
    }

    private static (Fp2 X, Fp2 Y, Fp2 Z) FromAffine(Fp2 x, Fp2 y) => (x, y, new Fp2(1, 0));

    private static (Fp2 X, Fp2 Y)? ToAffine((Fp2 X, Fp2 Y, Fp2 Z) p)
    {
        if (p.Z.IsZero)
        {
            return null;
        }

        var zInverse = new Fp2(1, 0).Divide(p.Z);
        var zInverse2 = zInverse * zInverse;
        return (p.X * zInverse2, p.Y * zInverse2 * zInverse);
    }

    // dbl-2009-l
    private static (Fp2 X, Fp2 Y, Fp2 Z) DoubleJacobian((Fp2 X, Fp2 Y, Fp2 Z) p)
    {
        if (p.Z.IsZero || p.Y.IsZero)
        {
            return (new Fp2(1, 0), new Fp2(1, 0), default);
        }

        var a = p.X * p.X;
        var b = p.Y * p.Y;
        var c = b * b;
        var t = p.X + b;
        var d = ((t * t) - a - c) * Two;
        var e = a * Three;
        var f = e * e;
        var x3 = f - d - d;
        var y3 = (e * (d - x3)) - (c * Eight);
        var z3 = p.Y * p.Z * Two;
        return (x3, y3, z3);
    }

    // add-2007-bl
    private static (Fp2 X, Fp2 Y, Fp2 Z) AddJacobian((Fp2 X, Fp2 Y, Fp2 Z) p, (Fp2 X, Fp2 Y, Fp2 Z) q)
    {
        if (p.Z.IsZero)
        {
            return q;
        }

        if (q.Z.IsZero)
        {
            return p;
        }

        var z1z1 = p.Z * p.Z;
        var z2z2 = q.Z * q.Z;
        var u1 = p.X * z2z2;
        var u2 = q.X * z1z1;
        var s1 = p.Y * q.Z * z2z2;
        var s2 = q.Y * p.Z * z1z1;
        var h = u2 - u1;
        var r = (s2 - s1) * Two;
        if (h.IsZero)
        {
            return r.IsZero ? DoubleJacobian(p) : (new Fp2(1, 0), new Fp2(1, 0), default);
        }

        var i = (h * Two) * (h * Two);
        var j = h * i;
        var v = u1 * i;
        var x3 = (r * r) - j - v - v;
        var y3 = (r * (v - x3)) - (s1 * j * Two);
        var zs = p.Z + q.Z;
        var z3 = ((zs * zs) - z1z1 - z2z2) * h;
        return (x3, y3, z3);
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

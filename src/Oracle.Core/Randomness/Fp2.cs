using System.Numerics;

namespace Oracle.Core.Randomness;

/// <summary>An element <c>Re + Im·i</c> of F_p² = F_p[i] / (i² + 1), p the BN254 base field's modulus.</summary>
/// <param name="Re">The real coefficient (reduced mod p on construction).</param>
/// <param name="Im">The imaginary coefficient.</param>
public readonly record struct Fp2(BigInteger Re, BigInteger Im)
{
    /// <summary>The real coefficient, in [0, p).</summary>
    public BigInteger Re { get; } = Bn254.Mod(Re);

    /// <summary>The imaginary coefficient, in [0, p).</summary>
    public BigInteger Im { get; } = Bn254.Mod(Im);

    /// <summary>Whether this is zero.</summary>
    public bool IsZero => Re.IsZero && Im.IsZero;

    /// <summary>Sum.</summary>
    public static Fp2 operator +(Fp2 a, Fp2 b) => new(a.Re + b.Re, a.Im + b.Im);

    /// <summary>Difference.</summary>
    public static Fp2 operator -(Fp2 a, Fp2 b) => new(a.Re - b.Re, a.Im - b.Im);

    /// <summary>Product.</summary>
    public static Fp2 operator *(Fp2 a, Fp2 b) => new((a.Re * b.Re) - (a.Im * b.Im), (a.Re * b.Im) + (a.Im * b.Re));

    /// <summary>This divided by <paramref name="d"/> (not zero).</summary>
    public Fp2 Divide(Fp2 d)
    {
        // 1 / (a + bi) = (a - bi) / (a² + b²)
        var norm = Bn254.Inverse((d.Re * d.Re) + (d.Im * d.Im));
        return this * new Fp2(d.Re * norm, -d.Im * norm);
    }
}

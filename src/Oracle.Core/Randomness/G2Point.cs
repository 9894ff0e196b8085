using System.Numerics;

namespace Oracle.Core.Randomness;

/// <summary>A point of BN254's G2 (on the twist over F_p²) in affine coordinates; (0, 0) is the point at infinity.</summary>
/// <param name="X">The x coordinate.</param>
/// <param name="Y">The y coordinate.</param>
public readonly record struct G2Point(Fp2 X, Fp2 Y)
{
    /// <summary>The point at infinity.</summary>
    public static G2Point Infinity => new(default, default);

    /// <summary>Whether this is the point at infinity.</summary>
    public bool IsInfinity => X.IsZero && Y.IsZero;

    /// <summary>The four words the EIP-197 precompile (and LocalVrfCoordinator) take: x imaginary, x real, y imaginary, y real.</summary>
    public IReadOnlyList<BigInteger> ToEip197() => [X.Im, X.Re, Y.Im, Y.Re];
}

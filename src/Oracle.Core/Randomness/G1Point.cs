using System.Numerics;

namespace Oracle.Core.Randomness;

/// <summary>A point of BN254's G1 in affine coordinates; (0, 0) is the point at infinity (as in EIP-196).</summary>
/// <param name="X">The x coordinate.</param>
/// <param name="Y">The y coordinate.</param>
public readonly record struct G1Point(BigInteger X, BigInteger Y)
{
    /// <summary>The point at infinity.</summary>
    public static G1Point Infinity => new(0, 0);

    /// <summary>Whether this is the point at infinity.</summary>
    public bool IsInfinity => X.IsZero && Y.IsZero;
}

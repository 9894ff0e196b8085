using System.Numerics;

namespace Oracle.Testing;

/// <summary>VPN token amounts (18 decimals) in tests.</summary>
public static class VpnUnits
{
    /// <summary>One whole token in base units.</summary>
    public static readonly BigInteger One = BigInteger.Pow(10, 18);

    /// <summary><paramref name="whole"/> whole tokens in base units.</summary>
    public static BigInteger Tokens(long whole) => whole * One;
}

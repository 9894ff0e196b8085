using System.Numerics;

namespace Arbitration.Api.Tests.Support;

/// <summary>VPN token amounts (18 decimals).</summary>
internal static class Vpn
{
    public static readonly BigInteger One = BigInteger.Pow(10, 18);

    public static BigInteger Tokens(long whole) => whole * One;
}

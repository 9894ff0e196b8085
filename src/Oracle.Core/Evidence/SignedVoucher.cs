using System.Globalization;
using System.Numerics;
using Oracle.Core.Eip712;

namespace Oracle.Core.Evidence;

/// <summary>A <see cref="Voucher"/> (less the session id, which the batch carries) with the client's signature.</summary>
public sealed record SignedVoucher
{
    /// <summary>Total paid so far, VPN token base units, as a decimal string (uint256 does not fit a JSON number).</summary>
    public required string CumulativeAmount { get; init; }

    /// <summary>Total bytes carried so far.</summary>
    public required ulong CumulativeBytes { get; init; }

    /// <summary>The evidence log's size the client agreed to.</summary>
    public required ulong LogSize { get; init; }

    /// <summary>The log's root at that size (32 bytes).</summary>
    public required byte[] LogRoot { get; init; }

    /// <summary>The client's EIP-712 signature (65 bytes, 0x-prefixed hex) under the SessionManager's domain.</summary>
    public required string Signature { get; init; }

    /// <summary>The typed message that was signed.</summary>
    /// <exception cref="FormatException"><see cref="CumulativeAmount"/> is not a non-negative decimal integer.</exception>
    public Voucher ToVoucher(ulong sessionId)
    {
        var amount = BigInteger.Parse(CumulativeAmount, NumberStyles.None, CultureInfo.InvariantCulture);
        return new Voucher
        {
            SessionId = sessionId,
            CumulativeAmount = amount,
            CumulativeBytes = CumulativeBytes,
            LogSize = LogSize,
            LogRoot = LogRoot,
        };
    }

    /// <summary>The signed form of <paramref name="voucher"/>.</summary>
    public static SignedVoucher From(Voucher voucher, string signature)
    {
        ArgumentNullException.ThrowIfNull(voucher);
        return new SignedVoucher
        {
            CumulativeAmount = voucher.CumulativeAmount.ToString(CultureInfo.InvariantCulture),
            CumulativeBytes = voucher.CumulativeBytes,
            LogSize = voucher.LogSize,
            LogRoot = voucher.LogRoot,
            Signature = signature,
        };
    }
}

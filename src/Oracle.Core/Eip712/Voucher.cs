using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// A payment voucher, signed by the client under the SessionManager's domain: it pays the provider
/// <see cref="CumulativeAmount"/> in total for <see cref="CumulativeBytes"/> and commits to the session's evidence log
/// at <see cref="LogSize"/> leaves with root <see cref="LogRoot"/>. Only the latest voucher matters on-chain.
/// </summary>
[Struct("Voucher")]
public sealed class Voucher
{
    /// <summary>The session, as numbered by the SessionManager.</summary>
    [Parameter("uint64", "sessionId", 1)] public ulong SessionId { get; set; }

    /// <summary>Total paid so far, in VPN token base units (18 decimals).</summary>
    [Parameter("uint256", "cumulativeAmount", 2)] public BigInteger CumulativeAmount { get; set; }

    /// <summary>Total bytes carried so far.</summary>
    [Parameter("uint64", "cumulativeBytes", 3)] public ulong CumulativeBytes { get; set; }

    /// <summary>The evidence log's size the client agreed to.</summary>
    [Parameter("uint64", "logSize", 4)] public ulong LogSize { get; set; }

    /// <summary>The evidence log's root at that size.</summary>
    [Parameter("bytes32", "logRoot", 5)] public byte[] LogRoot { get; set; } = new byte[32];
}

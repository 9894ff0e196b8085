using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace Oracle.Core.Eip712;

/// <summary>
/// An EIP-2612 permit of the VPN token (OpenZeppelin <c>ERC20Permit</c>), signed by <see cref="Owner"/> under the token's
/// domain (<see cref="TypedDataDomain.VpnToken"/>): <see cref="Spender"/> may take <see cref="Value"/> until
/// <see cref="Deadline"/>. The Arbitration API relays a filer's permit for the DisputeManager with its filing, so the
/// filer pays the fee and stake without a transaction of its own.
/// </summary>
[Struct("Permit")]
public sealed class Permit
{
    /// <summary>The token holder.</summary>
    [Parameter("address", "owner", 1)] public string Owner { get; set; } = string.Empty;

    /// <summary>Who may take the tokens.</summary>
    [Parameter("address", "spender", 2)] public string Spender { get; set; } = string.Empty;

    /// <summary>The allowance, in base units.</summary>
    [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }

    /// <summary>The owner's current permit nonce in the token (<c>nonces(owner)</c>).</summary>
    [Parameter("uint256", "nonce", 4)] public BigInteger Nonce { get; set; }

    /// <summary>Unix time after which the permit is void.</summary>
    [Parameter("uint256", "deadline", 5)] public BigInteger Deadline { get; set; }
}

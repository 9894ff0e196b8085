using System.Numerics;

namespace Oracle.Chain.Transactions;

/// <summary>What to send: the target, the call data and the ETH value. The sender chooses nonce, gas and fees.</summary>
/// <param name="To">The contract or account called.</param>
/// <param name="Data">The call data (selector and ABI-encoded arguments); empty for a plain ETH transfer.</param>
/// <param name="Value">Wei sent along.</param>
/// <param name="Gas">A gas limit to use instead of the estimate plus margin (still capped by <see cref="TransactionSenderOptions.MaxGas"/>).</param>
public sealed record TransactionRequest(string To, byte[] Data, BigInteger Value = default, long? Gas = null);

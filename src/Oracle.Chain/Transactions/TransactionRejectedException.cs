namespace Oracle.Chain.Transactions;

/// <summary>
/// A transaction could not be sent or did not get mined for a reason retrying will not fix by itself: the node refused
/// it (insufficient funds for gas, fee below the base fee), it needs more gas than allowed, the base fee is above the
/// configured cap, or another transaction of the same account took its nonce. A contract revert is not this: it comes
/// back as a <see cref="TransactionResult"/>.
/// </summary>
public sealed class TransactionRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransactionRejectedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

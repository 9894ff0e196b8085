namespace Oracle.Chain.Transactions;

/// <summary>What the node said to a signed transaction (anything else is a rejection or an exception).</summary>
internal enum BroadcastOutcome
{
    /// <summary>In the pool (or mined): the node accepted it now or already had it.</summary>
    Accepted,

    /// <summary>The nonce is already used by a mined transaction of the account.</summary>
    NonceTooLow,

    /// <summary>The node expects a lower nonce (a gap: an earlier transaction is missing, or the node does not queue).</summary>
    NonceTooHigh,

    /// <summary>Another transaction with this nonce is pending and this one does not pay enough more to replace it.</summary>
    Underpriced,
}

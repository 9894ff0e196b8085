using System.Numerics;

namespace Oracle.Chain.Transactions;

/// <summary>A transaction sent and not yet confirmed: its nonce and every version broadcast for it (replacements).</summary>
internal sealed class PendingTransaction(TransactionRequest request, BigInteger nonce, long gas)
{
    /// <summary>What is sent.</summary>
    public TransactionRequest Request { get; } = request;

    /// <summary>Its nonce (every version has it).</summary>
    public BigInteger Nonce { get; } = nonce;

    /// <summary>Its gas limit.</summary>
    public long Gas { get; } = gas;

    /// <summary>Hashes of the versions the node accepted, oldest first; any one of them may be the one mined.</summary>
    public List<string> Hashes { get; } = [];

    /// <summary>The fees of the last version offered (accepted or not): a replacement bumps these.</summary>
    public (BigInteger MaxFee, BigInteger Tip) Fees { get; set; }

    /// <summary>The head when the last version was offered: it counts as stuck <c>StuckBlocks</c> after.</summary>
    public BigInteger SentAtBlock { get; set; }
}

using Nethereum.RPC.Eth.DTOs;

namespace Oracle.Actions;

/// <summary>
/// Where an action reports what it does while it runs: a line per step, and each transaction from the moment it is
/// sent until it is confirmed (the command line shows a progress line while it waits).
/// </summary>
public interface IActionProgress
{
    /// <summary>A step worth a line ("buying 12 VPN for 0.0012 ETH at 0.0001 ETH/VPN").</summary>
    void Info(string message);

    /// <summary>A transaction is about to be sent; the wait for its confirmation starts.</summary>
    /// <param name="description">What it does, for people ("approving 500 VPN to the ProviderRegistry").</param>
    void TransactionStarted(string description);

    /// <summary>The transaction of the last <see cref="TransactionStarted"/> is confirmed (<paramref name="receipt"/>) or failed (null).</summary>
    void TransactionFinished(string description, TransactionReceipt? receipt);
}

using Nethereum.RPC.Eth.DTOs;

namespace Oracle.Actions;

/// <summary>Progress that goes nowhere (scripts and tests that only want the result).</summary>
public sealed class SilentProgress : IActionProgress
{
    /// <summary>The one instance.</summary>
    public static SilentProgress Instance { get; } = new();

    private SilentProgress()
    {
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }

    /// <inheritdoc />
    public void TransactionStarted(string description)
    {
    }

    /// <inheritdoc />
    public void TransactionFinished(string description, TransactionReceipt? receipt)
    {
    }
}

using System.ComponentModel.DataAnnotations;

namespace Oracle.Chain.Transactions;

/// <summary>
/// How a <see cref="TransactionSender"/> prices, replaces, confirms and retries transactions (configuration section
/// <see cref="SectionName"/>). The defaults suit a public chain with 12-second blocks; the local chain mines at once.
/// </summary>
public sealed record TransactionSenderOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Chain:Transactions";

    private const decimal WeiPerGwei = 1_000_000_000m;

    /// <summary>
    /// Blocks a transaction must be under before it counts as done: 1 is "mined", 12 means eleven more blocks on top.
    /// A transaction that a reorganization takes out before then is waited for again (and replaced if it gets stuck).
    /// </summary>
    [Range(1, 1000)]
    public int Confirmations { get; set; } = 1;

    /// <summary>Gas added to the node's estimate, in percent (state can change between estimate and inclusion).</summary>
    [Range(0, 1000)]
    public int GasMarginPercent { get; set; } = 25;

    /// <summary>The most gas one transaction may use; a transaction estimated above it is refused before it is sent.</summary>
    [Range(21_000, 100_000_000)]
    public long MaxGas { get; set; } = 8_000_000;

    /// <summary>
    /// The tip per gas to the block producer, in gwei; unset, the node's suggestion (<c>eth_maxPriorityFeePerGas</c>)
    /// is taken, up to <see cref="MaxPriorityFeePerGasGwei"/>.
    /// </summary>
    [Range(0.0, 100_000.0)]
    public decimal? PriorityFeePerGasGwei { get; set; }

    /// <summary>The highest tip per gas, in gwei, whether suggested by the node or reached by replacements.</summary>
    [Range(0.0, 100_000.0)]
    public decimal MaxPriorityFeePerGasGwei { get; set; } = 10;

    /// <summary>
    /// The cap on the fee per gas (base fee plus tip), in gwei: no transaction is sent or replaced above it. While the
    /// base fee is above the cap, sends fail with <see cref="TransactionRejectedException"/>.
    /// </summary>
    [Range(0.000000001, 1_000_000.0)]
    public decimal MaxFeePerGasGwei { get; set; } = 200;

    /// <summary>
    /// The fee per gas offered is the latest base fee times this, plus the tip (capped), so a transaction stays
    /// includable while the base fee rises for a few blocks (it rises at most 12.5% a block).
    /// </summary>
    [Range(1, 10)]
    public int BaseFeeMultiplier { get; set; } = 2;

    /// <summary>Blocks a sent transaction may stay pending before it is replaced by the same nonce at a higher fee.</summary>
    [Range(1, 10_000)]
    public int StuckBlocks { get; set; } = 5;

    /// <summary>
    /// How much a replacement raises both fees, in percent. Nodes accept a replacement only above their minimum bump
    /// (geth and Hardhat: 10%), so this must stay above it.
    /// </summary>
    [Range(10, 1000)]
    public int ReplacementBumpPercent { get; set; } = 15;

    /// <summary>Attempts of one RPC request on transient errors (<see cref="Errors.ChainErrors.IsTransient"/>), the first included.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the first retry; it doubles with each attempt, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a pending transaction's receipt and the head are polled.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The priority fee cap in wei.</summary>
    internal System.Numerics.BigInteger MaxPriorityFeePerGasWei => Wei(MaxPriorityFeePerGasGwei);

    /// <summary>The fee cap in wei.</summary>
    internal System.Numerics.BigInteger MaxFeePerGasWei => Wei(MaxFeePerGasGwei);

    /// <summary>The configured tip in wei, if any.</summary>
    internal System.Numerics.BigInteger? PriorityFeePerGasWei => PriorityFeePerGasGwei is { } gwei ? Wei(gwei) : null;

    /// <summary>Checks what the attributes cannot (durations, fees against each other).</summary>
    /// <exception cref="ValidationException">A setting is out of range, naming it.</exception>
    public void Validate()
    {
        var context = new ValidationContext(this);
        Validator.ValidateObject(this, context, validateAllProperties: true);
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay)
        {
            throw new ValidationException($"{SectionName}:RetryDelay must be positive and at most MaxRetryDelay");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ValidationException($"{SectionName}:PollInterval must be positive");
        }

        if (PriorityFeePerGasGwei > MaxPriorityFeePerGasGwei || MaxPriorityFeePerGasGwei > MaxFeePerGasGwei)
        {
            throw new ValidationException($"{SectionName}: PriorityFeePerGasGwei <= MaxPriorityFeePerGasGwei <= MaxFeePerGasGwei must hold");
        }
    }

    private static System.Numerics.BigInteger Wei(decimal gwei) => new(decimal.Truncate(gwei * WeiPerGwei));
}

using System.ComponentModel.DataAnnotations;

namespace Oracle.Chain.Events;

/// <summary>How a <see cref="ChainWatcher"/> follows the chain (configuration section <see cref="SectionName"/>).</summary>
public sealed record ChainWatcherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Chain:Watcher";

    /// <summary>
    /// Blocks a batch's last block must have on top before the handler sees it. Reorganizations shallower than this
    /// never reach the handler; deeper ones roll it back. 0 on the local chain.
    /// </summary>
    [Range(0, 10_000)]
    public int Confirmations { get; set; } = 12;

    /// <summary>The most blocks one batch (and one <c>eth_getLogs</c>) covers; halved when the node refuses a range as too large.</summary>
    [Range(1, 1_000_000)]
    public long MaxBlockRange { get; set; } = (long)LogRangeReader.DefaultMaxRange;

    /// <summary>
    /// How many processed blocks the watcher remembers by hash (the last block of each batch and every block with an
    /// event). A reorganization older than all of them cannot be followed and stops the watcher with
    /// <see cref="ChainReorganizationException"/>.
    /// </summary>
    [Range(2, 100_000)]
    public int RememberedBlocks { get; set; } = 256;

    /// <summary>The wait between polls once the watcher has caught up with the confirmed head.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait after a failed step (the wait doubles from <see cref="PollInterval"/>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the ranges and durations.</summary>
    /// <exception cref="ValidationException">A setting is out of range, naming it.</exception>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (PollInterval <= TimeSpan.Zero || MaxRetryDelay < PollInterval)
        {
            throw new ValidationException($"{SectionName}: PollInterval must be positive and at most MaxRetryDelay");
        }
    }
}

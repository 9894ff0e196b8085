using System.ComponentModel.DataAnnotations;

namespace Oracle.Chain.Events;

/// <summary>
/// How a <see cref="ChainWatcher"/> remembers blocks and polls (configuration section <see cref="SectionName"/>). How deep
/// a block must be and how many blocks one log query covers are the service's chain settings
/// (<see cref="ChainOptions.Confirmations"/>, <see cref="ChainOptions.MaxLogRange"/>), which the watcher takes from the
/// <see cref="ChainContext"/>.
/// </summary>
public sealed record ChainWatcherOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Chain:Watcher";

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

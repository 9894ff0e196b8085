using System.ComponentModel.DataAnnotations;

namespace Arbitration.Api.Filing;

/// <summary>
/// What the relayer may spend on other people's filings (configuration section <see cref="Section"/>). The relayer's key
/// is the service's key (<c>Chain:Keystore</c>); gas is counted in wei as paid (gas used times effective price).
/// </summary>
public sealed class RelayerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Relayer";

    /// <summary>Filings relayed for one filer per UTC day.</summary>
    [Range(1, 1_000_000)]
    public int MaxFilingsPerFilerPerDay { get; set; } = 10;

    /// <summary>Wei of gas the relayer spends for one filer per UTC day (decimal string).</summary>
    [Required]
    [RegularExpression("^[0-9]{1,40}$")]
    public string MaxWeiPerFilerPerDay { get; set; } = "50000000000000000";

    /// <summary>Wei of gas the relayer spends for everyone per UTC day (decimal string).</summary>
    [Required]
    [RegularExpression("^[0-9]{1,40}$")]
    public string MaxWeiPerDay { get; set; } = "1000000000000000000";

    /// <summary>Gas one relayed filing (permit and <c>fileFor</c>) may use; reserved against the limits while in flight.</summary>
    [Range(100_000, 30_000_000)]
    public long MaxGasPerFiling { get; set; } = 1_500_000;

    /// <summary>Below this balance (wei, decimal string) the relayer alerts: a warning log, the metric <c>oracle_arbitration_relayer_balance_low</c> = 1 and a degraded health check.</summary>
    [Required]
    [RegularExpression("^[0-9]{1,40}$")]
    public string MinimumBalanceWei { get; set; } = "100000000000000000";

    /// <summary>How often the relayer's balance is checked.</summary>
    public TimeSpan BalanceCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a filing being relayed holds its claim before an identical request may take it over (after checking the chain).</summary>
    public TimeSpan RelayLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an identical filing waits for one in flight to finish before answering that it is still being relayed.</summary>
    public TimeSpan DuplicateWait { get; set; } = TimeSpan.FromSeconds(30);
}

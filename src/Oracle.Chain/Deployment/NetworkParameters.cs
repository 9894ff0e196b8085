using System.Numerics;

namespace Oracle.Chain.Deployment;

/// <summary>
/// The constitution of one Oracle network: every constructor parameter of the contract set. Defaults are the local
/// network's (devnet); docs/contracts.md explains each value.
/// </summary>
public sealed record NetworkParameters
{
    private static readonly BigInteger Token = BigInteger.Pow(10, 18);

    /// <summary>The local network's parameters.</summary>
    public static NetworkParameters Devnet { get; } = new();

    /// <summary>TokenExchange fee, basis points (at most 1000).</summary>
    public ushort ExchangeFeeBps { get; init; } = 30;

    /// <summary>The oldest feed round a trade accepts.</summary>
    public TimeSpan MaxPriceAge { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// TokenExchange circuit breaker: the largest move of a feed's answer from the last accepted price that trades at
    /// once, basis points (1 to 10,000).
    /// </summary>
    public ushort MaxPriceJumpBps { get; init; } = 2000;

    /// <summary>
    /// How long a price jump beyond <see cref="MaxPriceJumpBps"/> pauses the exchange (the honest oracles' time to
    /// correct it); positive and shorter than <see cref="MaxPriceAge"/>.
    /// </summary>
    public TimeSpan PriceJumpDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Reports that finalize a price round.</summary>
    public byte FeedQuorum { get; init; } = 3;

    /// <summary>The VPN / ETH genesis price (round 1), wei per whole VPN token: lets the first oracles buy stake.</summary>
    public BigInteger GenesisVpnEthPrice { get; init; } = BigInteger.Pow(10, 14);

    /// <summary>The BTC / ETH genesis price (round 1), wei per whole bitcoin.</summary>
    public BigInteger GenesisBtcEthPrice { get; init; } = 20 * Token;

    /// <summary>How long a price round may collect reports.</summary>
    public TimeSpan FeedRoundTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The smallest oracle stake (VPN base units).</summary>
    public BigInteger OracleMinStake { get; init; } = 1000 * Token;

    /// <summary>Oracle unstaking delay.</summary>
    public TimeSpan OracleUnbondingDelay { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The smallest provider bond.</summary>
    public BigInteger ProviderMinBond { get; init; } = 500 * Token;

    /// <summary>Provider unbonding delay; at least <see cref="MaxSessionDuration"/> + <see cref="DisputeWindow"/>.</summary>
    public TimeSpan ProviderUnbondingDelay { get; init; } = TimeSpan.FromDays(45);

    /// <summary>Time the provider has to answer a client's close.</summary>
    public TimeSpan ChallengeWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The longest a session may be served.</summary>
    public TimeSpan MaxSessionDuration { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Time after a session's end during which a claim against the provider may be filed.</summary>
    public TimeSpan DisputeWindow { get; init; } = TimeSpan.FromDays(14);

    /// <summary>The smallest evidence collector bond.</summary>
    public BigInteger CollectorMinBond { get; init; } = 1000 * Token;

    /// <summary>Evidence collector unbonding delay (time to prove equivocation).</summary>
    public TimeSpan CollectorUnbondingDelay { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Dispute fee per committee seat.</summary>
    public BigInteger FeePerSeat { get; init; } = 10 * Token;

    /// <summary>The refundable stake paid with every dispute round.</summary>
    public BigInteger StakePerRound { get; init; } = 50 * Token;

    /// <summary>Juror stake locked per seat (what an incoherent seat loses); at most <see cref="OracleMinStake"/>.</summary>
    public BigInteger LockPerSeat { get; init; } = 100 * Token;

    /// <summary>The commit phase.</summary>
    public TimeSpan CommitPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The reveal phase.</summary>
    public TimeSpan RevealPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The appeal window.</summary>
    public TimeSpan AppealPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a dispute round may wait for its committee (from the filing, or from the end of the previous round's
    /// appeal window) before anyone may end the drawing: round 0 is then dismissed with the filer refunded, an appeal
    /// round falls back to the previous ruling with the appellant refunded.
    /// </summary>
    public TimeSpan DrawingPeriod { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Rounds a dispute may have (first plus appeals), 1 to 4.</summary>
    public byte MaxRounds { get; init; } = 3;

    /// <summary>
    /// The wrapped BTC token the exchange accepts; <see langword="null"/> deploys DevWrappedBtc (local networks only).
    /// </summary>
    public string? WrappedBtc { get; init; }

    /// <summary>Throws when the parameters contradict each other.</summary>
    /// <exception cref="ArgumentException">Which parameter and why.</exception>
    public void Validate()
    {
        if (ProviderUnbondingDelay < MaxSessionDuration + DisputeWindow)
        {
            throw new ArgumentException("the provider unbonding delay must cover the longest session plus the dispute window, or a bond could leave before a claim against it", nameof(ProviderUnbondingDelay));
        }

        if (LockPerSeat <= 0 || LockPerSeat > OracleMinStake)
        {
            throw new ArgumentException("the lock per seat must be positive and at most the minimum oracle stake", nameof(LockPerSeat));
        }

        if (DrawingPeriod < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("the drawing period must be at least one second", nameof(DrawingPeriod));
        }

        if (MaxRounds is 0 or > 4)
        {
            throw new ArgumentException("a dispute has 1 to 4 rounds", nameof(MaxRounds));
        }

        if (ExchangeFeeBps > 1000)
        {
            throw new ArgumentException("the exchange fee is at most 10%", nameof(ExchangeFeeBps));
        }

        if (MaxPriceJumpBps is 0 or > 10_000)
        {
            throw new ArgumentException("the price band is 1 to 10,000 basis points", nameof(MaxPriceJumpBps));
        }

        if (PriceJumpDelay < TimeSpan.FromSeconds(1) || PriceJumpDelay >= MaxPriceAge)
        {
            throw new ArgumentException("the price jump delay must be at least one second and shorter than the max price age", nameof(PriceJumpDelay));
        }

        if (FeedQuorum is 0 or > 15)
        {
            throw new ArgumentException("the feed quorum is 1 to 15", nameof(FeedQuorum));
        }
    }
}

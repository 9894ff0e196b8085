using System.Numerics;
using Oracle.Core.Randomness;

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

    /// <summary>
    /// How long after a stake snapshot opens new draws join it (OracleRegistry): a draw's weights are at most this much
    /// older than its randomness request (stake added later waits up to this long to be drawn; stake that left never
    /// counts). A snapshot stays readable for this plus <see cref="AppealPeriod"/> plus <see cref="DrawingPeriod"/> (the
    /// deployer sets the registry's lifetime so), unless two newer snapshots opened; a draw whose snapshot can no longer
    /// be read takes a fresh snapshot and fresh randomness. Much longer than the randomness takes to arrive.
    /// </summary>
    public TimeSpan SnapshotJoinWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The randomness committee draws use.</summary>
    public RandomnessKind Randomness { get; init; } = RandomnessKind.Vrf;

    /// <summary>
    /// The VRF coordinator (Chainlink VRF v2.5 interface) when <see cref="Randomness"/> is <see cref="RandomnessKind.Vrf"/>;
    /// <see langword="null"/> deploys LocalVrfCoordinator (local networks only). With Chainlink, the subscription's
    /// owner adds the deployed RandomnessSource as a consumer.
    /// </summary>
    public string? VrfCoordinator { get; init; }

    /// <summary>The key hash (gas lane) requests name; required with <see cref="VrfCoordinator"/>, else LocalVrfCoordinator's.</summary>
    public byte[]? VrfKeyHash { get; init; }

    /// <summary>
    /// LocalVrfCoordinator's proving key; <see langword="null"/> uses the public development key
    /// (<c>DevelopmentKeys.Vrf()</c>). The devnet makes a fresh key per run and gives the secret to its oracle node.
    /// </summary>
    public G2Point? LocalVrfPublicKey { get; init; }

    /// <summary>The VRF subscription that pays for requests (ignored by LocalVrfCoordinator).</summary>
    public BigInteger VrfSubscriptionId { get; init; }

    /// <summary>Blocks the coordinator waits after a request before answering (Chainlink's minimum is 3 on most chains).</summary>
    public ushort VrfRequestConfirmations { get; init; } = 1;

    /// <summary>Gas the coordinator gives the answer's callback (VrfRandomnessSource needs about 50,000).</summary>
    public uint VrfCallbackGasLimit { get; init; } = 100_000;

    /// <summary>Whether the subscription pays in the native token instead of LINK.</summary>
    public bool VrfNativePayment { get; init; }

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

        if (SnapshotJoinWindow < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("the snapshot join window must be at least one second", nameof(SnapshotJoinWindow));
        }

        if (Randomness == RandomnessKind.Vrf && VrfCoordinator is not null && VrfKeyHash is not { Length: 32 })
        {
            throw new ArgumentException("a VRF coordinator needs the 32-byte key hash its requests name", nameof(VrfKeyHash));
        }

        if (VrfCallbackGasLimit is < 50_000 or > 2_500_000)
        {
            throw new ArgumentException("the VRF callback gas limit is 50,000 to 2,500,000", nameof(VrfCallbackGasLimit));
        }

        if (LocalVrfPublicKey is { } key && (key.IsInfinity || !Bn254.IsOnCurve(key)))
        {
            throw new ArgumentException("the local VRF public key is not a point of BN254's G2", nameof(LocalVrfPublicKey));
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

using System.Globalization;
using System.Numerics;
using Dapper;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// The contracts' immutable parameters the read model needs to judge phases, windows and pauses (periods, fees, the
/// exchange's band): read from the chain once by the indexer into <c>network_parameters</c>, so reads never ask the chain.
/// </summary>
internal static class NetworkParameters
{
    public const string CommitPeriod = "commit_period";
    public const string RevealPeriod = "reveal_period";
    public const string AppealPeriod = "appeal_period";
    public const string DrawingPeriod = "drawing_period";
    public const string MaxRounds = "max_rounds";
    public const string FeePerSeat = "fee_per_seat";
    public const string StakePerRound = "stake_per_round";
    public const string LockPerSeat = "lock_per_seat";
    public const string ChallengeWindow = "challenge_window";
    public const string MaxSessionDuration = "max_session_duration";
    public const string DisputeWindow = "dispute_window";
    public const string MaxPriceAge = "max_price_age";
    public const string MaxPriceJumpBps = "max_price_jump_bps";
    public const string PriceJumpDelay = "price_jump_delay";
    public const string ExchangeFeeBps = "exchange_fee_bps";
    public const string OracleMinStake = "oracle_min_stake";
    public const string ProviderMinBond = "provider_min_bond";
    public const string FeedQuorum = "feed_quorum";

    /// <summary>Reads the parameters from the contracts.</summary>
    public static async Task<IReadOnlyDictionary<string, BigInteger>> ReadAsync(ChainContext chain, CancellationToken cancellationToken)
    {
        var web3 = chain.Web3;
        var disputes = new DisputeManagerService(web3, chain.AddressOf(ContractNames.DisputeManager));
        var sessions = new SessionManagerService(web3, chain.AddressOf(ContractNames.SessionManager));
        var exchange = new TokenExchangeService(web3, chain.AddressOf(ContractNames.TokenExchange));
        var oracles = new OracleRegistryService(web3, chain.AddressOf(ContractNames.OracleRegistry));
        var providers = new ProviderRegistryService(web3, chain.AddressOf(ContractNames.ProviderRegistry));
        var feed = new PriceFeedService(web3, chain.AddressOf(ContractNames.PriceFeedVpnEth));
        var ct = cancellationToken;
        return new Dictionary<string, BigInteger>
        {
            [CommitPeriod] = await disputes.CommitPeriodQueryAsync(null, ct),
            [RevealPeriod] = await disputes.RevealPeriodQueryAsync(null, ct),
            [AppealPeriod] = await disputes.AppealPeriodQueryAsync(null, ct),
            [DrawingPeriod] = await disputes.DrawingPeriodQueryAsync(null, ct),
            [MaxRounds] = await disputes.MaxRoundsQueryAsync(null, ct),
            [FeePerSeat] = await disputes.FeePerSeatQueryAsync(null, ct),
            [StakePerRound] = await disputes.StakePerRoundQueryAsync(null, ct),
            [LockPerSeat] = await disputes.LockPerSeatQueryAsync(null, ct),
            [ChallengeWindow] = await sessions.ChallengeWindowQueryAsync(null, ct),
            [MaxSessionDuration] = await sessions.MaxSessionDurationQueryAsync(null, ct),
            [DisputeWindow] = await sessions.DisputeWindowQueryAsync(null, ct),
            [MaxPriceAge] = await exchange.MaxPriceAgeQueryAsync(null, ct),
            [MaxPriceJumpBps] = await exchange.MaxPriceJumpBpsQueryAsync(null, ct),
            [PriceJumpDelay] = await exchange.PriceJumpDelayQueryAsync(null, ct),
            [ExchangeFeeBps] = await exchange.FeeBpsQueryAsync(null, ct),
            [OracleMinStake] = await oracles.MinStakeQueryAsync(null, ct),
            [ProviderMinBond] = await providers.MinBondQueryAsync(null, ct),
            [FeedQuorum] = await feed.QuorumQueryAsync(null, ct),
        };
    }

    /// <summary>Stores <paramref name="parameters"/> (replacing what was there).</summary>
    public static async Task SaveAsync(NpgsqlDataSource dataSource, IReadOnlyDictionary<string, BigInteger> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (name, value) in parameters)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO network_parameters (name, value) VALUES (@name, @value::numeric) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                new { name, value = value.ToString(CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

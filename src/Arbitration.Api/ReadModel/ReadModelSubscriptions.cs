using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using RandomnessRequestedEvent = Oracle.Chain.Contracts.LocalRandomnessSource.RandomnessRequestedEvent;
using RandomnessConsumedEvent = Oracle.Chain.Contracts.LocalRandomnessSource.RandomnessConsumedEvent;
using RandomnessFulfilledEvent = Oracle.Chain.Contracts.VrfRandomnessSource.RandomnessFulfilledEvent;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// Every contract event the read model projects (docs/api.md): providers, sessions, vouchers settled, closes, anchors,
/// disputes, draws, commits, reveals, rulings, stakes, slashes, rewards, price rounds and trades. Token transfers and
/// approvals are left out (the balances they change are not the read model's business).
/// </summary>
internal static class ReadModelSubscriptions
{
    public static void SubscribeAll(ChainContext chain, IEventSubscriber to)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(to);

        var providers = chain.AddressOf(ContractNames.ProviderRegistry);
        to.Add<ProviderRegisteredEvent>(providers);
        to.Add<ProviderUpdatedEvent>(providers);
        to.Add<BondAddedEvent>(providers);
        to.Add<UnbondRequestedEvent>(providers);
        to.Add<BondWithdrawnEvent>(providers);
        to.Add<BondReservedEvent>(providers);
        to.Add<BondReleasedEvent>(providers);
        to.Add<BondSlashedEvent>(providers);

        var sessions = chain.AddressOf(ContractNames.SessionManager);
        to.Add<SessionOpenedEvent>(sessions);
        to.Add<VoucherSettledEvent>(sessions);
        to.Add<CloseStartedEvent>(sessions);
        to.Add<SessionClosedEvent>(sessions);
        to.Add<SessionDisputedEvent>(sessions);
        to.Add<SessionDisputeResolvedEvent>(sessions);
        to.Add<SessionBondReleasedEvent>(sessions);

        var disputes = chain.AddressOf(ContractNames.DisputeManager);
        to.Add<DisputeFiledEvent>(disputes);
        to.Add<EvidenceSubmittedEvent>(disputes);
        to.Add<RoundStartedEvent>(disputes);
        to.Add<RandomnessRequestedAgainEvent>(disputes);
        to.Add<DisputeDismissedEvent>(disputes);
        to.Add<AppealDismissedEvent>(disputes);
        to.Add<CommitteeDrawnEvent>(disputes);
        to.Add<VoteCommittedEvent>(disputes);
        to.Add<VoteRevealedEvent>(disputes);
        to.Add<AppealedEvent>(disputes);
        to.Add<RoundSettledEvent>(disputes);
        to.Add<JurorSlashedEvent>(disputes);
        to.Add<RulingExecutedEvent>(disputes);
        to.Add<RewardClaimedEvent>(disputes);
        to.Add<CreditedEvent>(disputes);
        to.Add<WithdrawnEvent>(disputes);

        var oracles = chain.AddressOf(ContractNames.OracleRegistry);
        to.Add<StakedEvent>(oracles);
        to.Add<UnstakeRequestedEvent>(oracles);
        to.Add<UnstakedEvent>(oracles);
        to.Add<StakeLockedEvent>(oracles);
        to.Add<StakeUnlockedEvent>(oracles);
        to.Add<StakeSlashedEvent>(oracles);

        foreach (var feed in new[] { chain.AddressOf(ContractNames.PriceFeedVpnEth), chain.AddressOf(ContractNames.PriceFeedBtcEth) })
        {
            to.Add<NewRoundEvent>(feed);
            to.Add<PriceReportedEvent>(feed);
            to.Add<AnswerUpdatedEvent>(feed);
            to.Add<RoundRestartedEvent>(feed);
        }

        var exchange = chain.AddressOf(ContractNames.TokenExchange);
        to.Add<VpnBoughtEvent>(exchange);
        to.Add<VpnSoldEvent>(exchange);
        to.Add<FeesWithdrawnEvent>(exchange);

        var evidence = chain.AddressOf(ContractNames.EvidenceRegistry);
        to.Add<CollectorRegisteredEvent>(evidence);
        to.Add<CollectorUnbondRequestedEvent>(evidence);
        to.Add<CollectorBondWithdrawnEvent>(evidence);
        to.Add<CheckpointAnchoredEvent>(evidence);
        to.Add<AnchorChainCheckpointedEvent>(evidence);
        to.Add<CollectorEquivocatedEvent>(evidence);

        var randomness = chain.AddressOf(ContractNames.RandomnessSource);
        to.Add<RandomnessRequestedEvent>(randomness);
        to.Add<RandomnessConsumedEvent>(randomness);
        to.Add<RandomnessFulfilledEvent>(randomness); // VrfRandomnessSource: the coordinator answered (the devnet's and real networks' source)
    }
}

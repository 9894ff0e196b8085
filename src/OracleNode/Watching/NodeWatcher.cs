using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using OracleNode.Storage;

namespace OracleNode.Watching;

/// <summary>
/// Follows the events the node acts on — DisputeManager (disputes, rounds, committees, votes, settlements, rewards,
/// rulings, evidence documents), SessionManager (session terms and named panels), OracleRegistry (stakes, for the
/// keepers' stand-down order), EvidenceRegistry (anchors) — through the platform's <see cref="ChainWatcher"/>
/// (confirmations, bounded ranges, reorganizations rolled back), into the node's store.
/// </summary>
internal sealed class NodeWatcher(ChainContext chain, INodeStore store, NodeEventHandler handler, ChainWatcherOptions options, ILogger<ChainWatcher> watcherLogger, ILogger<NodeWatcher> logger, TimeProvider time)
    : BackgroundService
{
    /// <summary>The watcher's cursor name in the store.</summary>
    public const string Name = "oracle-node";

    /// <summary>The watcher over <paramref name="cursors"/> (tests step it themselves).</summary>
    public static ChainWatcher Create(ChainContext chain, IChainCursorStore cursors, IChainEventHandler handler, ChainWatcherOptions? options = null, ILogger<ChainWatcher>? logger = null, TimeProvider? time = null)
    {
        var disputes = chain.AddressOf(ContractNames.DisputeManager);
        var start = new[] { ContractNames.DisputeManager, ContractNames.SessionManager, ContractNames.OracleRegistry, ContractNames.EvidenceRegistry }
            .Select(chain.DeploymentBlock).Min();
        return new ChainWatcher(chain, Name, start, cursors, handler, options, logger, time)
            .Subscribe<DisputeFiledEvent>(disputes)
            .Subscribe<RoundStartedEvent>(disputes)
            .Subscribe<CommitteeDrawnEvent>(disputes)
            .Subscribe<EvidenceSubmittedEvent>(disputes)
            .Subscribe<VoteCommittedEvent>(disputes)
            .Subscribe<VoteRevealedEvent>(disputes)
            .Subscribe<AppealedEvent>(disputes)
            .Subscribe<RoundSettledEvent>(disputes)
            .Subscribe<JurorSlashedEvent>(disputes)
            .Subscribe<RewardClaimedEvent>(disputes)
            .Subscribe<RulingExecutedEvent>(disputes)
            .Subscribe<DisputeDismissedEvent>(disputes)
            .Subscribe<AppealDismissedEvent>(disputes)
            .Subscribe<CreditedEvent>(disputes)
            .Subscribe<WithdrawnEvent>(disputes)
            .Subscribe<SessionOpenedEvent>(chain.AddressOf(ContractNames.SessionManager))
            .Subscribe<StakedEvent>(chain.AddressOf(ContractNames.OracleRegistry))
            .Subscribe<UnstakeRequestedEvent>(chain.AddressOf(ContractNames.OracleRegistry))
            .Subscribe<StakeSlashedEvent>(chain.AddressOf(ContractNames.OracleRegistry))
            .Subscribe<CheckpointAnchoredEvent>(chain.AddressOf(ContractNames.EvidenceRegistry));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watcher = Create(chain, store.Cursors, handler, options, watcherLogger, time);
        logger.LogInformation("watching from block {Block} ({Confirmations} confirmations)", watcher.StartBlock, chain.Confirmations);
        await watcher.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}

using System.Diagnostics.Metrics;

namespace OracleNode.Hosting;

/// <summary>
/// The node's Prometheus metrics (System.Diagnostics.Metrics, exported at <c>/metrics</c> by Oracle.Hosting as
/// <c>oracle_node_*</c>): docs/oracle-node.md lists each one and the alerts to set on them.
/// </summary>
internal sealed class NodeMetrics : IDisposable
{
    public const string MeterName = "Oracle.OracleNode";

    private readonly Meter _meter = new(MeterName);
    private double _stake;
    private double _locked;
    private double _unstaking;
    private double _claimable;
    private double _deadlinesAtRisk;
    private double _unstakableIn = -1;

    public NodeMetrics()
    {
        DisputesSeen = _meter.CreateCounter<long>("oracle_node_disputes_seen", description: "Disputes filed on the chain the node follows");
        Seats = _meter.CreateCounter<long>("oracle_node_seats", description: "Rounds in which the node holds a seat (drawn or named)");
        Judgments = _meter.CreateCounter<long>("oracle_node_judgments", description: "Votes decided, by claim type and vote");
        VotesCommitted = _meter.CreateCounter<long>("oracle_node_votes_committed", description: "Commit transactions confirmed");
        VotesRevealed = _meter.CreateCounter<long>("oracle_node_votes_revealed", description: "Reveal transactions confirmed");
        DeadlinesMissed = _meter.CreateCounter<long>("oracle_node_deadlines_missed", description: "Commit or reveal deadlines the node missed (an alert: stake is slashed)");
        KeeperActions = _meter.CreateCounter<long>("oracle_node_keeper_actions", description: "Phase transitions sent for disputes (draw, endDrawing, settleRound, executeRuling), by outcome");
        Rewards = _meter.CreateCounter<double>("oracle_node_rewards_vpn", description: "VPN received as juror rewards");
        Slashes = _meter.CreateCounter<double>("oracle_node_slashes_vpn", description: "VPN of the node's stake slashed");
        PriceReports = _meter.CreateCounter<long>("oracle_node_price_reports", description: "Price reports, by feed and outcome (reported, refused, failed)");
        RandomnessFulfilled = _meter.CreateCounter<long>("oracle_node_randomness_fulfilled", description: "Randomness requests the node answered");
        Reorganizations = _meter.CreateCounter<long>("oracle_node_reorganizations", description: "Chain reorganizations that rolled the node's projections back");
        Errors = _meter.CreateCounter<long>("oracle_node_errors", description: "Failed duty steps (retried), by duty");
        _meter.CreateObservableGauge("oracle_node_stake_vpn", () => _stake, description: "The node's stake in the OracleRegistry");
        _meter.CreateObservableGauge("oracle_node_locked_vpn", () => _locked, description: "The part of the stake locked by disputes");
        _meter.CreateObservableGauge("oracle_node_unstaking_vpn", () => _unstaking, description: "Tokens on their way out of the stake");
        _meter.CreateObservableGauge("oracle_node_unstakable_in_seconds", () => _unstakableIn, description: "Seconds until unstaking tokens can be withdrawn (0: now; -1: none)");
        _meter.CreateObservableGauge("oracle_node_claimable_vpn", () => _claimable, description: "VPN credited by the DisputeManager and not withdrawn");
        _meter.CreateObservableGauge("oracle_node_deadlines_at_risk", () => _deadlinesAtRisk, description: "Seats whose commit or reveal deadline is near and not done yet");
    }

    public Counter<long> DisputesSeen { get; }

    public Counter<long> Seats { get; }

    public Counter<long> Judgments { get; }

    public Counter<long> VotesCommitted { get; }

    public Counter<long> VotesRevealed { get; }

    public Counter<long> DeadlinesMissed { get; }

    public Counter<long> KeeperActions { get; }

    public Counter<double> Rewards { get; }

    public Counter<double> Slashes { get; }

    public Counter<long> PriceReports { get; }

    public Counter<long> RandomnessFulfilled { get; }

    public Counter<long> Reorganizations { get; }

    public Counter<long> Errors { get; }

    public void SetAccount(double stake, double locked, double unstaking, double unstakableInSeconds, double claimable)
    {
        _stake = stake;
        _locked = locked;
        _unstaking = unstaking;
        _unstakableIn = unstakableInSeconds;
        _claimable = claimable;
    }

    public void SetDeadlinesAtRisk(int count) => _deadlinesAtRisk = count;

    public void Dispose() => _meter.Dispose();
}

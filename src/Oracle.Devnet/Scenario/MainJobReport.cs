using System.Globalization;
using System.Numerics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Actions.Units;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Core.Policy;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// What the main job did, from the chain's point of view (every event of the network's contracts, in block order, with
/// the people named) and in figures (bytes carried, payments, evidence anchored, rulings, stakes).
/// </summary>
/// <param name="Timeline">The events, oldest first.</param>
/// <param name="Summary">Figures, one per line ("label", "value").</param>
/// <param name="NotPlayed">Steps that could not run on this build, with the reason.</param>
public sealed record MainJobReport(IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<(string Label, string Value)> Summary, IReadOnlyList<string> NotPlayed)
{
    /// <summary>Reads the chain and the facts of <paramref name="world"/>.</summary>
    public static async Task<MainJobReport> BuildAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(world);
        var web3 = ChainConnection.ReadOnly(world.Network.Chain.RpcUrl);
        var manifest = world.Network.Manifest!;
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, contract) in manifest.Contracts)
        {
            names[contract.Address] = name;
        }

        foreach (var actor in world.Actors.Values)
        {
            names[actor.Address] = actor.Name;
        }

        string Who(string address) => names.TryGetValue(address, out var n) ? n : address[..10] + "…";
        string Vpn(BigInteger value) => Asset.Vpn.Amount(value).ToString();

        // The summary is read by people: amounts to six decimals (the timeline keeps them exact).
        string Round(BigInteger value) => Asset.Vpn.Amount(value).ToRoundedString(6);

        var entries = new List<(FilterLog Log, string Event, string Text)>();
        var paid = BigInteger.Zero;
        var refunded = BigInteger.Zero;
        var vouchedBytes = new Dictionary<ulong, ulong>();
        var anchors = 0;
        ulong anchoredSize = 0;
        var rulings = new List<string>();
        // How each dispute was decided: the record proof at filing, or the committee's revealed votes.
        var filings = new Dictionary<ulong, (string Filer, ClaimType Claim, uint Rule, bool Proven)>();
        var tallies = new Dictionary<ulong, Dictionary<Ruling, int>>();
        var slashed = BigInteger.Zero;
        var rewards = BigInteger.Zero;
        var bought = new Dictionary<string, BigInteger>(StringComparer.Ordinal);
        var opened = 0;
        var closed = 0;

        foreach (var log in await LogsAsync(web3, manifest, cancellationToken))
        {
            void Add(string name, string text) => entries.Add((log, name, text));
            if (log.IsLogForEvent<VpnBoughtEvent>())
            {
                var e = log.DecodeEvent<VpnBoughtEvent>().Event;
                var asset = names.TryGetValue(e.Asset, out var a) && a == ContractNames.WrappedBtc ? Asset.WrappedBtc : Asset.Eth;
                bought[Who(e.Buyer)] = bought.GetValueOrDefault(Who(e.Buyer)) + e.VpnOut;
                Add("VpnBought", $"{Who(e.Buyer)} bought {Vpn(e.VpnOut)} for {asset.Amount(e.Paid)}");
            }
            else if (log.IsLogForEvent<ProviderRegisteredEvent>())
            {
                var e = log.DecodeEvent<ProviderRegisteredEvent>().Event;
                Add("ProviderRegistered", $"{Who(e.Provider)} registered: {Encoding.ASCII.GetString(e.Region).TrimEnd('\0')}, {Vpn(e.PricePerMiB)}/MiB, bond {Vpn(e.Bond)}, endpoint {e.Endpoint}");
            }
            else if (log.IsLogForEvent<SessionOpenedEvent>())
            {
                var e = log.DecodeEvent<SessionOpenedEvent>().Event;
                opened++;
                Add("SessionOpened", $"session {e.SessionId}: {Who(e.Client)} with {Who(e.Provider)}, deposit {Vpn(e.Deposit)}, penalty {Vpn(e.Penalty)}, "
                    + (e.Panel.Count > 0 ? $"panel of {e.Panel.Count}" : $"committee of {e.CommitteeSize} to be drawn"));
            }
            else if (log.IsLogForEvent<VoucherSettledEvent>())
            {
                var e = log.DecodeEvent<VoucherSettledEvent>().Event;
                paid += e.Paid;
                vouchedBytes[e.SessionId] = e.CumulativeBytes;
                Add("VoucherSettled", $"session {e.SessionId}: voucher for {e.CumulativeBytes:N0} bytes redeemed, {Vpn(e.Paid)} paid to {Who(e.Provider)}");
            }
            else if (log.IsLogForEvent<CloseStartedEvent>())
            {
                var e = log.DecodeEvent<CloseStartedEvent>().Event;
                Add("CloseStarted", $"session {e.SessionId}: {Who(e.Client)} starts closing");
            }
            else if (log.IsLogForEvent<SessionClosedEvent>())
            {
                var e = log.DecodeEvent<SessionClosedEvent>().Event;
                closed++;
                paid += e.PaidToProvider;
                refunded += e.RefundedToClient;
                Add("SessionClosed", $"session {e.SessionId} closed: {Vpn(e.PaidToProvider)} to {Who(e.Provider)}, {Vpn(e.RefundedToClient)} back to {Who(e.Client)}");
            }
            else if (log.IsLogForEvent<CheckpointAnchoredEvent>())
            {
                var e = log.DecodeEvent<CheckpointAnchoredEvent>().Event;
                anchors++;
                anchoredSize = Math.Max(anchoredSize, e.TreeSize);
                Add("CheckpointAnchored", $"{Who(e.Collector)} anchored evidence log 0x{Convert.ToHexStringLower(e.LogId)[..8]}… at size {e.TreeSize}");
            }
            else if (log.IsLogForEvent<DisputeFiledEvent>())
            {
                var e = log.DecodeEvent<DisputeFiledEvent>().Event;
                filings[(ulong)e.DisputeId] = (Who(e.Filer), (ClaimType)e.Dispute.ClaimType, (uint)e.Dispute.RuleId, e.Dispute.EvidenceVerified);
                Add("DisputeFiled", $"dispute {e.DisputeId} on session {e.SessionId}: {Who(e.Filer)} claims {(ClaimType)e.Dispute.ClaimType} ({PolicyDecision.Describe((uint)e.Dispute.RuleId)}) against {Who(e.Dispute.Respondent)}"
                    + (e.Dispute.EvidenceVerified ? ", record proof verified on-chain" : ""));
            }
            else if (log.IsLogForEvent<CommitteeDrawnEvent>())
            {
                var e = log.DecodeEvent<CommitteeDrawnEvent>().Event;
                Add("CommitteeDrawn", e.Committee.Count == 0
                    ? $"dispute {e.DisputeId}: no committee, the record proof decided it at filing"
                    : $"dispute {e.DisputeId} round {e.Round}: {string.Join(", ", e.Committee.Select(Who))} drawn");
            }
            else if (log.IsLogForEvent<VoteCommittedEvent>())
            {
                var e = log.DecodeEvent<VoteCommittedEvent>().Event;
                Add("VoteCommitted", $"dispute {e.DisputeId}: {Who(e.Juror)} committed its vote");
            }
            else if (log.IsLogForEvent<VoteRevealedEvent>())
            {
                var e = log.DecodeEvent<VoteRevealedEvent>().Event;
                var tally = tallies.TryGetValue((ulong)e.DisputeId, out var t) ? t : tallies[(ulong)e.DisputeId] = [];
                tally[(Ruling)e.Vote] = tally.GetValueOrDefault((Ruling)e.Vote) + (int)e.Seats;
                Add("VoteRevealed", $"dispute {e.DisputeId}: {Who(e.Juror)} revealed {(Ruling)e.Vote} ({e.Seats} seat(s))");
            }
            else if (log.IsLogForEvent<RulingExecutedEvent>())
            {
                var e = log.DecodeEvent<RulingExecutedEvent>().Event;
                var id = (ulong)e.DisputeId;
                var what = filings.TryGetValue(id, out var f) ? $"{f.Filer}'s {f.Claim} ({PolicyDecision.Describe(f.Rule)})" : "the claim";
                var how = f.Proven
                    ? "decided at filing by the record proof verified on-chain (no committee, no vote)"
                    : tallies.TryGetValue(id, out var votes) && votes.Count > 0
                        ? $"decided by the committee's vote ({string.Join(", ", votes.OrderByDescending(v => v.Value).Select(v => $"{v.Value} seat(s) {v.Key}"))})"
                        : "decided without revealed votes";
                // A proof decided at filing had no opponent's stake: what the filer gets back is its own.
                var stakes = f.Proven ? $"gets its {Vpn(e.Stakes)} stake back" : $"{Vpn(e.Stakes)} of stakes";
                rulings.Add($"dispute {id}, {what}: {(Ruling)e.Ruling}, {how}; {Who(e.Winner)} wins {Vpn(e.Penalty)} penalty and {stakes}");
                Add("RulingExecuted", rulings[^1]);
            }
            else if (log.IsLogForEvent<RewardClaimedEvent>())
            {
                var e = log.DecodeEvent<RewardClaimedEvent>().Event;
                rewards += e.Amount;
                Add("RewardClaimed", $"{Who(e.Juror)} claimed {Vpn(e.Amount)} for dispute {e.DisputeId} round {e.Round}");
            }
            else if (log.IsLogForEvent<JurorSlashedEvent>())
            {
                var e = log.DecodeEvent<JurorSlashedEvent>().Event;
                slashed += e.Amount;
                Add("JurorSlashed", $"{Who(e.Juror)} slashed {Vpn(e.Amount)} (dispute {e.DisputeId})");
            }
            else if (log.IsLogForEvent<StakedEvent>())
            {
                var e = log.DecodeEvent<StakedEvent>().Event;
                Add("Staked", $"{Who(e.Oracle)} staked {Vpn(e.Amount)} (now {Vpn(e.Stake)})");
            }
            else if (log.IsLogForEvent<AnswerUpdatedEvent>() && names.TryGetValue(log.Address, out var feed) && feed != ContractNames.PriceFeedBtcEth)
            {
                var e = log.DecodeEvent<AnswerUpdatedEvent>().Event;
                Add("AnswerUpdated", $"VPN / ETH price {Asset.Eth.Amount(e.Current)} (round {e.RoundId})");
            }
        }

        var times = new Dictionary<BigInteger, DateTimeOffset>();
        var timeline = new List<TimelineEntry>();
        foreach (var (log, name, text) in entries.OrderBy(e => e.Log.BlockNumber.Value).ThenBy(e => e.Log.LogIndex.Value))
        {
            if (!times.TryGetValue(log.BlockNumber.Value, out var time))
            {
                var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(log.BlockNumber)).WaitAsync(cancellationToken);
                times[log.BlockNumber.Value] = time = DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp.Value);
            }

            timeline.Add(new TimelineEntry((ulong)log.BlockNumber.Value, time, name, text));
        }

        var facts = world.Facts;
        var summary = new List<(string, string)>
        {
            ("VPN bought", bought.Count == 0 ? "none" : string.Join(", ", bought.Select(b => $"{b.Key} {Round(b.Value)}"))),
            ("sessions", $"{opened} opened, {closed} closed on-chain"),
            ("carried through the exit", string.Create(CultureInfo.InvariantCulture, $"{facts.IperfBytes / 1048576.0:0.0} MiB by iperf3 ({facts.IperfBitsPerSecond / 1e6:0} Mbit/s), plus curl")),
            ("paid for on-chain", string.Join(", ", vouchedBytes.Concat(facts.ClosingVouchers.Select(v => new KeyValuePair<ulong, ulong>(v.Key, v.Value.CumulativeBytes)))
                .GroupBy(v => v.Key).Select(g => $"session {g.Key}: {g.Max(v => v.Value):N0} bytes vouched for by its client")) is { Length: > 0 } paidFor ? paidFor : "no voucher redeemed"),
            ("payments", $"{Round(paid)} to providers, {Round(refunded)} refunded to clients"),
            ("policy denials", facts.Denials.Count == 0 ? "none" : string.Join(", ", facts.Denials.Select(d => $"{DescribeRule(d.Key)}: {d.Value} packet(s)"))),
            ("evidence anchored", anchors == 0 ? "none" : $"{anchors} anchor(s), log size up to {anchoredSize}"),
            ("rulings", rulings.Count == 0 ? "none" : string.Join(Environment.NewLine, rulings)),
            ("stake changes", $"{Round(rewards)} rewards claimed, {Round(slashed)} slashed"),
        };
        foreach (var actor in world.Actors.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            var balances = await Oracle.Actions.Keys.KeyActions.BalancesAsync(actor.Actions, actor.Address, cancellationToken);
            if (balances.IsSuccess)
            {
                var b = balances.Value;
                summary.Add(($"{actor.Name} holds", $"{b.Vpn.ToRoundedString(6)}{(b.ProviderBond.IsZero ? "" : $", bond {b.ProviderBond.ToRoundedString(6)}")}{(b.OracleStake.IsZero ? "" : $", stake {b.OracleStake.ToRoundedString(6)}")}"));
            }
        }

        return new MainJobReport(timeline, summary, [.. facts.NotPlayed]);
    }

    /// <summary>A denial counter's rule label as a person reads it (the reserved ids by name).</summary>
    internal static string DescribeRule(string label)
        => uint.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? PolicyDecision.Describe(id) : $"rule {label}";

    private static async Task<IReadOnlyList<FilterLog>> LogsAsync(IWeb3 web3, DeploymentManifest manifest, CancellationToken cancellationToken)
    {
        var head = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync().WaitAsync(cancellationToken)).Value;
        var logs = new List<FilterLog>();
        foreach (var contract in manifest.Contracts.Values)
        {
            var filter = new NewFilterInput
            {
                Address = [contract.Address],
                FromBlock = new BlockParameter(contract.BlockNumber),
                ToBlock = new BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(head)),
            };
            logs.AddRange(await web3.Eth.Filters.GetLogs.SendRequestAsync(filter).WaitAsync(cancellationToken));
        }

        return logs;
    }
}

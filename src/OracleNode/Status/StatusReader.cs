using System.Globalization;
using System.Numerics;
using System.Text.Json;
using OracleNode.Commands;
using OracleNode.Hosting;
using OracleNode.Judging;
using OracleNode.Storage;
using OracleNode.Watching;

namespace OracleNode.Status;

/// <summary>Builds <see cref="NodeStatus"/> from the store and the chain (so it works whether the node runs or not).</summary>
internal sealed class StatusReader(NodeChain chain, INodeStore store)
{
    private static readonly string[] Phases = ["None", "Drawing", "Commit", "Reveal", "Appealable", "Executable", "Executed"];

    public async Task<NodeStatus> ReadAsync(int disputes, CancellationToken cancellationToken)
    {
        var me = chain.Me;
        var info = (await chain.Oracles.OracleInfoQueryAsync(me, null, cancellationToken).ConfigureAwait(false)).Info;
        var isOracle = await chain.Oracles.IsOracleQueryAsync(me, null, cancellationToken).ConfigureAwait(false);
        var vpn = await chain.Token.BalanceOfQueryAsync(me, null, cancellationToken).ConfigureAwait(false);
        var eth = (await chain.Context.Web3.Eth.GetBalance.SendRequestAsync(me).WaitAsync(cancellationToken).ConfigureAwait(false)).Value;
        var claimable = await chain.Disputes.ClaimableQueryAsync(me, null, cancellationToken).ConfigureAwait(false);
        var mine = await store.AccountEventsAsync(me, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var rewards = Sum(mine.Where(e => e.Kind == "reward"));
        var slashed = Sum(mine.Where(e => e.Kind == "slashed"));
        var account = new AccountStatus(VpnAmount.Format(info.Stake), VpnAmount.Format(info.Locked), VpnAmount.Format(info.Unstaking),
            info.Unstaking > 0 ? DateTimeOffset.FromUnixTimeSeconds((long)info.UnstakableAt) : null,
            VpnAmount.Format(vpn), VpnAmount.Format(eth), VpnAmount.Format(claimable), VpnAmount.Format(rewards), VpnAmount.Format(slashed), isOracle);

        var shown = new List<DisputeStatus>();
        var active = (await store.ActiveDisputesAsync(cancellationToken).ConfigureAwait(false)).Select(d => d.Id).ToHashSet();
        foreach (var row in (await store.DisputesAsync(Math.Max(disputes, 1), cancellationToken).ConfigureAwait(false)).OrderByDescending(d => active.Contains(d.Id)).ThenByDescending(d => d.Id))
        {
            shown.Add(await DisputeAsync(row, cancellationToken).ConfigureAwait(false));
        }

        var alerts = (await store.AlertsAsync(20, cancellationToken).ConfigureAwait(false))
            .Select(a => new AlertStatus(DateTimeOffset.FromUnixTimeSeconds(a.At), a.Kind, a.DisputeId < 0 ? null : a.DisputeId, a.Round < 0 ? null : a.Round, a.Message)).ToList();
        var actions = (await store.ActionsAsync(20, cancellationToken).ConfigureAwait(false))
            .Select(a => string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeSeconds(a.At):u} {a.Action} dispute {a.DisputeId} round {a.Round}: {a.Outcome}{(a.TransactionHash is null ? "" : " " + a.TransactionHash)}")).ToList();
        var prices = (await store.PriceReportsAsync(10, cancellationToken).ConfigureAwait(false))
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{DateTimeOffset.FromUnixTimeSeconds(p.At):u} {p.Feed} round {p.RoundId}: {p.Outcome} {p.Answer} {p.Detail}")).ToList();
        return new NodeStatus(chain.Sender.Address, chain.Context.ChainId, store.Description, account, shown, alerts, actions, prices);
    }

    private async Task<DisputeStatus> DisputeAsync(DisputeRow row, CancellationToken cancellationToken)
    {
        var info = (await chain.Disputes.DisputeInfoQueryAsync(row.Id, null, cancellationToken).ConfigureAwait(false)).Info;
        var events = await store.DisputeEventsAsync(row.Id, cancellationToken).ConfigureAwait(false);
        var seats = new List<SeatStatus>();
        foreach (var committee in await store.CommitteesAsync(row.Id, cancellationToken).ConfigureAwait(false))
        {
            var count = committee.SeatsOf(chain.Me);
            if (count == 0)
            {
                continue;
            }

            var round = (int)committee.Round;
            var entry = await store.JournalAsync(row.Id, round, row.RecordHash, cancellationToken).ConfigureAwait(false);
            var vote = (await chain.Disputes.JurorVoteQueryAsync(row.Id, (byte)round, chain.Me, null, cancellationToken).ConfigureAwait(false)).Vote;
            var state = vote.Claimed ? "reward claimed"
                : vote.Vote != 0 ? "revealed"
                : !Voting.VoteCommitment.IsEmpty(vote.Commitment) ? "committed"
                : entry is not null ? "decided, not committed"
                : "not decided";
            var reward = events.FirstOrDefault(e => e.Kind == "reward" && e.Round == round && e.Account == chain.Me)?.Amount;
            var slash = events.FirstOrDefault(e => e.Kind == "slashed" && e.Round == round && e.Account == chain.Me)?.Amount;
            seats.Add(new SeatStatus(round, count, entry is null ? "-" : NodeProjection.RulingName((byte)entry.Vote), state, entry?.Rule,
                entry is null ? [] : JsonSerializer.Deserialize<List<string>>(entry.Reasons) ?? [],
                reward is null ? null : VpnAmount.Format(BigInteger.Parse(reward, CultureInfo.InvariantCulture)),
                slash is null ? null : VpnAmount.Format(BigInteger.Parse(slash, CultureInfo.InvariantCulture))));
        }

        var ruling = events.LastOrDefault(e => e.Kind == "ruling")?.Detail ?? (events.Any(e => e.Kind == "dismissed") ? "dismissed" : NodeProjection.RulingName(info.Ruling) + " (so far)");
        return new DisputeStatus(row.Id, (ulong)row.SessionId, ClaimNames.Of((byte)row.ClaimType), (uint)row.RuleId,
            info.Phase < Phases.Length ? Phases[info.Phase] : info.Phase.ToString(CultureInfo.InvariantCulture), info.Round, ruling, seats);
    }

    private static BigInteger Sum(IEnumerable<DisputeEventRow> rows)
        => rows.Aggregate(BigInteger.Zero, (s, e) => s + BigInteger.Parse(e.Amount ?? "0", CultureInfo.InvariantCulture));
}

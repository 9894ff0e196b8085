using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Commands;
using OracleNode.Hosting;
using OracleNode.Storage;
using Oracle.Chain.Transactions;

namespace OracleNode.Keeping;

/// <summary>
/// Keeps a dispute moving: sends <c>draw</c> once the randomness is ready, <c>endDrawing</c> after the drawing deadline,
/// <c>executeRuling</c> once the ruling is executable — each only when it is due and after the node's stand-down wait
/// (<see cref="StandDown"/>), <c>settleRound</c> for a round whose incoherent seats are not slashed yet once its reveal
/// phase is over — and, for the node's own seats, <c>claimReward</c> (settling first when needed). Marks the dispute finished when nothing is left for the node.
/// </summary>
internal sealed class KeeperDuty(NodeChain chain, INodeStore store, IOptions<KeeperOptions> options, NodeMetrics metrics, TimeProvider time, ILogger<KeeperDuty> logger)
{
    private const byte Drawing = 1;
    private const byte Executable = 5;
    private const byte Executed = 6;

    private readonly KeeperOptions _options = options.Value;

    // When each transition was first seen due (wall clock): the stand-down wait runs from there.
    private readonly ConcurrentDictionary<(string Action, ulong Dispute, int Round), DateTimeOffset> _dueSince = new();

    /// <summary>Does what is due for <paramref name="dispute"/>; returns whether the node is done with it.</summary>
    public async Task<bool> RunAsync(DisputeContext dispute, IReadOnlyCollection<string> oracles, CancellationToken cancellationToken)
    {
        var id = dispute.Id;
        var round = dispute.Info.Round;
        if (_options.Enabled)
        {
            if (dispute.Phase == Drawing)
            {
                // Before the draw, the round's committee hash field holds its randomness request.
                var undrawn = (await chain.Disputes.RoundInfoQueryAsync(id, round, null, cancellationToken).ConfigureAwait(false)).Info;
                var request = new BigInteger(undrawn.CommitteeHash, isUnsigned: true, isBigEndian: true);
                // Asked of the pending block, which a draw sent now lands in: a local chain that mines only on demand
                // never mines the block after the request by itself.
                var status = await chain.Randomness.StatusQueryAsync(request, Nethereum.RPC.Eth.DTOs.BlockParameter.CreatePending(), cancellationToken).ConfigureAwait(false);
                if (status.Ready || status.Expired)
                {
                    await MaybeSendAsync("draw", dispute, round, oracles, () => new DrawFunction { DisputeId = id, Dispute = dispute.Record }, cancellationToken).ConfigureAwait(false);
                }

                var deadline = await chain.Disputes.DrawingDeadlineQueryAsync(id, dispute.Record, null, cancellationToken).ConfigureAwait(false);
                if (deadline != 0 && dispute.Now >= deadline && dispute.Session is { } session)
                {
                    await MaybeSendAsync("endDrawing", dispute, round, oracles, () => new EndDrawingFunction { DisputeId = id, Dispute = dispute.Record, Session = session.Decode() }, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (dispute.Phase == Executable && dispute.Session is { } session)
            {
                await MaybeSendAsync("executeRuling", dispute, round, oracles, () => new ExecuteRulingFunction { DisputeId = id, Dispute = dispute.Record, Session = session.Decode() }, cancellationToken).ConfigureAwait(false);
            }
        }

        var pending = false;
        foreach (var committee in dispute.Committees)
        {
            if (committee.SeatsOf(chain.Me) > 0 && !await SettleAndClaimAsync(dispute, committee, cancellationToken).ConfigureAwait(false))
            {
                pending = true;
            }

            // A round whose incoherent seats nobody slashed (no coherent juror claimed, or none runs a node) is settled
            // by the keepers once its reveal phase is over, like any transition open to anyone.
            if (_options.Enabled && dispute.Now >= (ulong)committee.RevealDeadline && committee.Members.Count > 0)
            {
                var info = (await chain.Disputes.RoundInfoQueryAsync(id, (byte)committee.Round, null, cancellationToken).ConfigureAwait(false)).Info;
                var coherent = info.Ruling == 1 ? info.UpheldSeats : info.Ruling == 2 ? info.RejectedSeats : info.Size;
                if (!info.Settled && info.Ruling != 0 && coherent != info.Size)
                {
                    pending = true;
                    await MaybeSendAsync("settleRound", dispute, (int)committee.Round, oracles,
                        () => new SettleRoundFunction { DisputeId = id, Round = (byte)committee.Round, Dispute = dispute.Record, Committee = committee.Members }, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return dispute.Phase == Executed && !pending;
    }

    // The node's reward for a round it sat in; returns whether nothing is left to do for this round.
    private async Task<bool> SettleAndClaimAsync(DisputeContext dispute, CommitteeRow committee, CancellationToken cancellationToken)
    {
        if (!_options.ClaimRewards)
        {
            return dispute.Now >= (ulong)committee.RevealDeadline;
        }

        var (outcome, amount, last) = await RewardClaim.RunAsync(chain, dispute.Id, dispute.Record, committee, dispute.Now, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case RewardClaim.Outcome.Claimed:
                metrics.Rewards.Add(VpnAmount.ToDouble(amount));
                await store.RecordActionAsync("claimReward", dispute.Id, (int)committee.Round, $"claimed {VpnAmount.Format(amount)} VPN", last?.TransactionHash, dispute.Now, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("dispute {Dispute} round {Round}: reward {Amount} VPN claimed", dispute.Id, committee.Round, VpnAmount.Format(amount));
                return true;
            case RewardClaim.Outcome.Nothing:
                return true;
            case RewardClaim.Outcome.Failed:
                logger.LogInformation("dispute {Dispute} round {Round}: reward not claimed yet: {Error}", dispute.Id, committee.Round, last?.Error);
                return false;
            default:
                return false;
        }
    }

    private async Task MaybeSendAsync<TFunction>(string action, DisputeContext dispute, int round, IReadOnlyCollection<string> oracles, Func<TFunction> function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var key = (action, dispute.Id, round);
        var since = _dueSince.GetOrAdd(key, _ => time.GetUtcNow());
        var rank = StandDown.Rank(action, dispute.Id, round, chain.Me, oracles);
        if (time.GetUtcNow() - since < _options.Slot * rank)
        {
            return;
        }

        if (await SendAsync(action, dispute, round, function(), cancellationToken).ConfigureAwait(false))
        {
            _dueSince.TryRemove(key, out _);
        }
    }

    private async Task<bool> SendAsync<TFunction>(string action, DisputeContext dispute, int round, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var result = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress, function, cancellationToken).ConfigureAwait(false);
        var outcome = result.IsSuccess ? "sent" : "reverted " + result.Error.Name;
        metrics.KeeperActions.Add(1, new KeyValuePair<string, object?>("action", action), new KeyValuePair<string, object?>("outcome", result.IsSuccess ? "sent" : "reverted"));
        if (result.IsSuccess || result.TransactionHash is not null)
        {
            await store.RecordActionAsync(action, dispute.Id, round, outcome, result.TransactionHash, dispute.Now, cancellationToken).ConfigureAwait(false);
        }

        if (result.IsSuccess)
        {
            logger.LogInformation("dispute {Dispute} round {Round}: {Action} sent ({Transaction})", dispute.Id, round, action, result.TransactionHash);
        }
        else
        {
            // Someone else did it first (the phase moved on), or it is not due yet by the next block's clock.
            logger.LogDebug("dispute {Dispute} round {Round}: {Action} not sent: {Error}", dispute.Id, round, action, result.Error);
        }

        return result.IsSuccess;
    }
}

using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Hosting;
using OracleNode.Storage;
using Oracle.Chain.Transactions;

namespace OracleNode.Keeping;

/// <summary>
/// Takes the node's reward for a round it sat in (used by the running node and by <c>oracle-node claim</c>): once the
/// round's reveal phase is over and the node revealed the majority, settles the round first when it has incoherent
/// seats (their slashed stake is part of the reward), then claims.
/// </summary>
internal static class RewardClaim
{
    /// <summary>What happened.</summary>
    internal enum Outcome
    {
        /// <summary>The reveal phase is not over.</summary>
        NotYet,

        /// <summary>Claimed now.</summary>
        Claimed,

        /// <summary>Nothing to take: claimed before, or the node did not reveal the majority (its stake is slashed).</summary>
        Nothing,

        /// <summary>A transaction reverted (tried again later).</summary>
        Failed,
    }

    /// <summary>Settles (when needed) and claims; <paramref name="record"/> is the dispute's record.</summary>
    public static async Task<(Outcome Outcome, BigInteger Amount, TransactionResult? Last)> RunAsync(NodeChain chain, ulong disputeId, Dispute record, CommitteeRow committee, ulong now, CancellationToken cancellationToken)
    {
        var round = (byte)committee.Round;
        if (now < (ulong)committee.RevealDeadline)
        {
            return (Outcome.NotYet, 0, null);
        }

        var vote = (await chain.Disputes.JurorVoteQueryAsync(disputeId, round, chain.Me, null, cancellationToken).ConfigureAwait(false)).Vote;
        var info = (await chain.Disputes.RoundInfoQueryAsync(disputeId, round, null, cancellationToken).ConfigureAwait(false)).Info;
        if (vote.Claimed || vote.Vote == 0 || vote.Vote != info.Ruling)
        {
            return (Outcome.Nothing, 0, null);
        }

        var coherent = info.Ruling == 1 ? info.UpheldSeats : info.RejectedSeats;
        if (!info.Settled && coherent != info.Size)
        {
            var settle = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress,
                new SettleRoundFunction { DisputeId = disputeId, Round = round, Dispute = record, Committee = committee.Members }, cancellationToken).ConfigureAwait(false);
            if (!settle.IsSuccess && !settle.Error.Is<DisputeRoundSettledError>())
            {
                return (Outcome.Failed, 0, settle);
            }
        }

        var claim = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress, new ClaimRewardFunction { DisputeId = disputeId, Round = round }, cancellationToken).ConfigureAwait(false);
        if (!claim.IsSuccess)
        {
            return (Outcome.Failed, 0, claim);
        }

        var reward = Nethereum.Contracts.EventExtensions.DecodeAllEvents<RewardClaimedEvent>(claim.Receipt.Logs).Select(e => e.Event.Amount).FirstOrDefault();
        return (Outcome.Claimed, reward, claim);
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Hosting;
using OracleNode.Judging;
using OracleNode.Storage;
using OracleNode.Watching;
using Oracle.Chain.Transactions;

namespace OracleNode.Voting;

/// <summary>
/// The node's seat in one round: decide, journal, commit, reveal — a state machine driven by the chain's state and the
/// journal, so any step can be repeated after a crash (docs/oracle-node.md, "Votes and crashes").
/// <list type="number">
/// <item>No commitment on-chain and none journaled: after the round's evidence cutoff, judge, draw a salt, and write
/// vote, salt and commitment to the store (durably) before anything is sent.</item>
/// <item>Journaled, not on-chain: send the commitment (again after a crash, or after a reorganization took it out:
/// always the journaled one, never a new one).</item>
/// <item>On-chain and equal to the journal: in the reveal phase send the journaled vote and salt.</item>
/// <item>Deadlines that pass with a step undone are alerts (metric, log, <c>status</c>), never silent.</item>
/// </list>
/// </summary>
internal sealed class SeatDuty(NodeChain chain, INodeStore store, IJudge judge, IOptions<VotingOptions> options, NodeMetrics metrics, ILogger<SeatDuty> logger)
{
    private readonly VotingOptions _options = options.Value;

    // Seats whose next step is due within the warning window and not done yet (the oracle_node_deadlines_at_risk gauge).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong Dispute, int Round), bool> _atRisk = new();

    /// <summary>Does what is due for the node's seat(s) in <paramref name="committee"/>'s round.</summary>
    public async Task RunAsync(DisputeContext dispute, CommitteeRow committee, CancellationToken cancellationToken)
    {
        var round = (int)committee.Round;
        if (committee.SeatsOf(chain.Me) == 0)
        {
            return;
        }

        var id = dispute.Id;
        var now = dispute.Now;
        var onChain = (await chain.Disputes.JurorVoteQueryAsync(id, (byte)round, chain.Me, null, cancellationToken).ConfigureAwait(false)).Vote;
        var entry = await store.JournalAsync(id, round, dispute.RecordHash, cancellationToken).ConfigureAwait(false);
        if (onChain.Vote != 0)
        {
            Settled(id, round);
            if (entry is { RevealedAt: null })
            {
                await store.MarkRevealedAsync(id, round, dispute.RecordHash, now, null, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (!VoteCommitment.IsEmpty(onChain.Commitment))
        {
            await RevealAsync(dispute, committee, onChain, entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (now >= (ulong)committee.CommitDeadline)
        {
            await MissedAsync("missed-commit", dispute, round, $"dispute {id} round {round}: the commit deadline passed without the node's commitment on-chain; its locked stake will be slashed", cancellationToken).ConfigureAwait(false);

            return;
        }

        if (!_options.Enabled && entry is null)
        {
            return;
        }

        if (entry is null)
        {
            entry = await DecideAsync(dispute, committee, cancellationToken).ConfigureAwait(false);
            if (entry is null)
            {
                return;
            }

            CrashIfAsked("journal");
        }

        await WarnIfLateAsync("commit-late", dispute, round, (ulong)committee.CommitDeadline, cancellationToken).ConfigureAwait(false);
        var commit = new CommitFunction
        {
            DisputeId = id,
            Round = (byte)round,
            Committee = committee.Members,
            Commitment = DisputeRecords.Bytes(entry.Commitment),
        };
        var result = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress, commit, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            await store.MarkCommittedAsync(id, round, dispute.RecordHash, now, result.TransactionHash, cancellationToken).ConfigureAwait(false);
            Settled(id, round);
            await store.RecordActionAsync("commit", id, round, "sent", result.TransactionHash, now, cancellationToken).ConfigureAwait(false);
            metrics.VotesCommitted.Add(1);
            logger.LogInformation("dispute {Dispute} round {Round}: committed ({Transaction})", id, round, result.TransactionHash);
            CrashIfAsked("commit");
        }
        else
        {
            // Already committed (a send before a crash got through), or too late: the next pass reads the chain again.
            logger.LogInformation("dispute {Dispute} round {Round}: commit not sent: {Error}", id, round, result.Error);
        }
    }

    // Whether the watcher's last block read (confirmed) has a timestamp at or after `time`.
    private async Task<bool> StoreHasReadPastAsync(ulong time, CancellationToken cancellationToken)
    {
        var cursor = await store.Cursors.ReadAsync(Watching.NodeWatcher.Name, cancellationToken).ConfigureAwait(false);
        if (cursor is null || cursor.NextBlock == 0)
        {
            return false;
        }

        var block = cursor.NextBlock - 1;
        var known = await store.BlockTimeAsync(block, cancellationToken).ConfigureAwait(false);
        if (known is null)
        {
            var header = await chain.Context.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new Nethereum.Hex.HexTypes.HexBigInteger(new System.Numerics.BigInteger(block))).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                return false;
            }

            known = (ulong)header.Timestamp.Value;
        }

        return known >= time;
    }

    private async Task<JournalEntry?> DecideAsync(DisputeContext dispute, CommitteeRow committee, CancellationToken cancellationToken)
    {
        var id = dispute.Id;
        var round = (int)committee.Round;
        var cutoff = dispute.Parameters.EvidenceCutoff((ulong)committee.CommitDeadline);
        if (dispute.Now < cutoff)
        {
            // Documents may still arrive (a party discloses its key to the committee after the draw): every node
            // decides on the same documents, those before the cutoff (docs/protocol.md §8.1).
            return null;
        }

        if (!await StoreHasReadPastAsync(cutoff, cancellationToken).ConfigureAwait(false))
        {
            // The documents and anchors before the cutoff are what the judgment reads from the store: decide only once
            // the watcher has read a block at or after the cutoff, so none of them is still on its way.
            logger.LogInformation("dispute {Dispute} round {Round}: waiting for the watcher to read past the evidence cutoff", id, round);
            return null;
        }

        var judgment = await judge.JudgeAsync(new DisputeCase(dispute.Row, dispute.Record, dispute.Session, round, cutoff), cancellationToken).ConfigureAwait(false);
        var margin = (ulong)_options.DecisionMargin.TotalSeconds;
        if (!judgment.Complete && dispute.Now + margin < (ulong)committee.CommitDeadline)
        {
            logger.LogInformation("dispute {Dispute} round {Round}: evidence incomplete ({Rule}); trying again", id, round, judgment.Rule);
            return null;
        }

        if (_options.InvertVotesForTesting)
        {
            judgment = judgment.Inverted();
        }

        var salt = VoteCommitment.NewSalt();
        var commitment = VoteCommitment.Of(chain.Sender.Address, id, round, judgment.Vote, salt);
        var stored = await store.TryAddJournalAsync(new JournalEntry
        {
            DisputeId = (long)id,
            Round = round,
            RecordHash = dispute.RecordHash,
            Juror = chain.Me,
            Vote = judgment.Vote,
            Salt = DisputeRecords.Hex(salt),
            Commitment = DisputeRecords.Hex(commitment),
            Rule = judgment.Rule,
            Reasons = JsonSerializer.Serialize(judgment.Reasons),
            DecidedAt = (long)dispute.Now,
        }, cancellationToken).ConfigureAwait(false);
        metrics.Seats.Add(1);
        metrics.Judgments.Add(1, new KeyValuePair<string, object?>("claim", ClaimNames.Of((byte)dispute.Row.ClaimType)), new KeyValuePair<string, object?>("vote", NodeProjection.RulingName((byte)stored.Vote)));
        logger.LogInformation("dispute {Dispute} round {Round}: decided {Vote} ({Rule})", id, round, NodeProjection.RulingName((byte)stored.Vote), stored.Rule);
        return stored;
    }

    private async Task RevealAsync(DisputeContext dispute, CommitteeRow committee, Oracle.Chain.Contracts.JurorVote onChain, JournalEntry? entry, CancellationToken cancellationToken)
    {
        var id = dispute.Id;
        var round = (int)committee.Round;
        if (entry is null)
        {
            await MissedAsync("vote-lost", dispute, round, $"dispute {id} round {round}: a commitment of this key is on-chain but the store holds no vote for it (another node with the same key, or a lost store): it cannot be revealed", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!VoteCommitment.Matches(entry.Commitment, onChain.Commitment))
        {
            await MissedAsync("commitment-mismatch", dispute, round, $"dispute {id} round {round}: the commitment on-chain is not the journaled one (another node with the same key?): it cannot be revealed", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (entry.CommittedAt is null)
        {
            await store.MarkCommittedAsync(id, round, dispute.RecordHash, dispute.Now, null, cancellationToken).ConfigureAwait(false);
        }

        if (dispute.Now < (ulong)committee.CommitDeadline)
        {
            return;
        }

        if (dispute.Now >= (ulong)committee.RevealDeadline)
        {
            await MissedAsync("missed-reveal", dispute, round, $"dispute {id} round {round}: the reveal deadline passed before the node's reveal; its locked stake will be slashed", cancellationToken).ConfigureAwait(false);
            return;
        }

        await WarnIfLateAsync("reveal-late", dispute, round, (ulong)committee.RevealDeadline, cancellationToken).ConfigureAwait(false);
        var reveal = new RevealFunction { DisputeId = id, Round = (byte)round, Vote = (byte)entry.Vote, Salt = DisputeRecords.Bytes(entry.Salt) };
        var result = await chain.Sender.TrySendAsync(chain.DisputeManagerAddress, reveal, cancellationToken).ConfigureAwait(false);
        if (result.IsSuccess)
        {
            await store.MarkRevealedAsync(id, round, dispute.RecordHash, dispute.Now, result.TransactionHash, cancellationToken).ConfigureAwait(false);
            await store.RecordActionAsync("reveal", id, round, "sent", result.TransactionHash, dispute.Now, cancellationToken).ConfigureAwait(false);
            metrics.VotesRevealed.Add(1);
            logger.LogInformation("dispute {Dispute} round {Round}: revealed {Vote} ({Transaction})", id, round, NodeProjection.RulingName((byte)entry.Vote), result.TransactionHash);
        }
        else
        {
            // Too early for the next block's clock, or already revealed by a send before a crash: read the chain again next pass.
            logger.LogInformation("dispute {Dispute} round {Round}: reveal not sent: {Error}", id, round, result.Error);
        }
    }

    // The crash tests' switch (local chains only, NodeSettings.CheckChain): die like a killed process, mid-duty.
    private void CrashIfAsked(string step)
    {
        if (_options.CrashAfterForTesting == step)
        {
            logger.LogCritical("Voting:CrashAfterForTesting={Step}: killing this process now", step);
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
    }

    private async Task WarnIfLateAsync(string kind, DisputeContext dispute, int round, ulong deadline, CancellationToken cancellationToken)
    {
        var warning = (ulong)_options.DeadlineWarning.TotalSeconds;
        if (dispute.Now + warning >= deadline)
        {
            _atRisk[(dispute.Id, round)] = true;
            metrics.SetDeadlinesAtRisk(_atRisk.Count);
        }

        if (dispute.Now + warning >= deadline
            && await store.AlertAsync(kind, dispute.Id, round, string.Create(CultureInfo.InvariantCulture, $"dispute {dispute.Id} round {round}: {deadline - Math.Min(deadline, dispute.Now)} s left before the deadline and the node's step is not done yet"), dispute.Now, cancellationToken).ConfigureAwait(false))
        {
            logger.LogWarning("dispute {Dispute} round {Round}: {Kind}: deadline in {Seconds} s", dispute.Id, round, kind, deadline - Math.Min(deadline, dispute.Now));
        }
    }

    private void Settled(ulong disputeId, int round)
    {
        if (_atRisk.TryRemove((disputeId, round), out _))
        {
            metrics.SetDeadlinesAtRisk(_atRisk.Count);
        }
    }

    private async Task MissedAsync(string kind, DisputeContext dispute, int round, string message, CancellationToken cancellationToken)
    {
        Settled(dispute.Id, round);
        if (await store.AlertAsync(kind, dispute.Id, round, message, dispute.Now, cancellationToken).ConfigureAwait(false))
        {
            metrics.DeadlinesMissed.Add(1, new KeyValuePair<string, object?>("kind", kind));
            logger.LogError("ALERT {Kind}: {Message}", kind, message);
        }
    }
}

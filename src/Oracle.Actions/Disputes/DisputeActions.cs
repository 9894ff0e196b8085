using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Sessions;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Disputes;
using Oracle.Chain.Model;

namespace Oracle.Actions.Disputes;

/// <summary>
/// Disputes in the DisputeManager: a party files a claim (paying the committee's fee and the round's stake), adds
/// evidence; anyone follows its phase, committee, votes and ruling and executes it when due; parties and jurors claim
/// what they are owed.
/// </summary>
public static class DisputeActions
{
    /// <summary>Files <paramref name="filing"/> directly (the account pays the gas, the fee and the stake).</summary>
    public static Task<ActionResult<DisputeTransaction>> FileAsync(ActionContext context, DisputeFiling filing, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            ArgumentNullException.ThrowIfNull(filing);
            var account = context.RequireAccount("filing a dispute");
            var (record, state) = await SessionActions.FindAsync(context, filing.SessionId, cancellationToken).ConfigureAwait(false);
            CheckFiler(filing, record.Terms, account);
            var status = (SessionStatus)state.Status;
            if (filing.ClaimType == ClaimType.ClientBreachedPolicy && status is not (SessionStatus.Open or SessionStatus.Closing))
            {
                throw ActionFailedException.Refused($"session {filing.SessionId} is {status.ToString().ToLowerInvariant()}: a claim against the client needs it open or closing");
            }

            if (filing.EvidenceHash.Length != 32)
            {
                throw ActionFailedException.InvalidInput("the evidence hash must be 32 bytes");
            }

            var manager = Manager(context);
            var fee = Asset.Vpn.Amount(await manager.FeePerSeatQueryAsync(null, cancellationToken).ConfigureAwait(false) * record.Terms.CommitteeSize
                + await manager.StakePerRoundQueryAsync(null, cancellationToken).ConfigureAwait(false));
            await Tokens.RequireBalanceAsync(context, fee, account, "the dispute's fee and stake", cancellationToken).ConfigureAwait(false);
            await Tokens.EnsureAllowanceAsync(context, fee, ContractNames.DisputeManager, cancellationToken).ConfigureAwait(false);
            var receipt = await context.SendAsync($"filing {filing.ClaimType} on session {filing.SessionId} (fee and stake {fee})", manager.Address,
                new FileDisputeFunction
                {
                    Claim = new Claim
                    {
                        SessionId = filing.SessionId,
                        ClaimType = (byte)filing.ClaimType,
                        RuleId = filing.RuleId,
                        EvidenceHash = filing.EvidenceHash,
                        EvidenceUri = filing.EvidenceUri,
                    },
                    Session = record.Terms,
                    Panel = [.. record.Panel],
                    Proof = filing.Proof is null ? [] : [filing.Proof.ToContract()],
                },
                cancellationToken).ConfigureAwait(false);
            var filed = receipt.DecodeAllEvents<DisputeFiledEvent>().Single().Event;
            return new DisputeTransaction(await ShowCoreAsync(context, filed.DisputeId, cancellationToken).ConfigureAwait(false), fee, receipt.TransactionHash,
                (ulong)receipt.BlockNumber.Value);
        }, cancellationToken);

    /// <summary>The dispute's claim, phase, rounds, committee, votes and ruling.</summary>
    public static Task<ActionResult<DisputeView>> ShowAsync(ActionContext context, ulong disputeId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, () => ShowCoreAsync(context, disputeId, cancellationToken), cancellationToken);

    /// <summary>A party adds evidence (a document's hash and URI) to the dispute.</summary>
    public static Task<ActionResult<DisputeTransaction>> AddEvidenceAsync(ActionContext context, ulong disputeId, byte[] evidenceHash, string evidenceUri,
        CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("adding evidence");
            var (dispute, _) = await FindAsync(context, disputeId, cancellationToken).ConfigureAwait(false);
            if (!Addresses.Same(account, dispute.Filer) && !Addresses.Same(account, dispute.Respondent))
            {
                throw ActionFailedException.Refused($"only the parties of dispute {disputeId} ({dispute.Filer}, {dispute.Respondent}) add evidence");
            }

            if (evidenceHash is not { Length: 32 } || string.IsNullOrWhiteSpace(evidenceUri))
            {
                throw ActionFailedException.InvalidInput("evidence needs a 32-byte hash and a URI");
            }

            var receipt = await context.SendAsync($"adding evidence to dispute {disputeId}", Manager(context).Address,
                new SubmitEvidenceFunction { DisputeId = disputeId, Dispute = dispute, EvidenceHash = evidenceHash, EvidenceUri = evidenceUri }, cancellationToken).ConfigureAwait(false);
            return new DisputeTransaction(await ShowCoreAsync(context, disputeId, cancellationToken).ConfigureAwait(false), Asset.Vpn.Amount(0), receipt.TransactionHash,
                (ulong)receipt.BlockNumber.Value);
        }, cancellationToken);

    /// <summary>Executes the ruling once the dispute is executable (anyone): the parties are credited.</summary>
    public static Task<ActionResult<DisputeTransaction>> ExecuteAsync(ActionContext context, ulong disputeId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            context.RequireAccount("executing a ruling");
            var (dispute, _) = await FindAsync(context, disputeId, cancellationToken).ConfigureAwait(false);
            var info = (await Manager(context).DisputeInfoQueryAsync(disputeId, null, cancellationToken).ConfigureAwait(false)).Info;
            if ((DisputePhase)info.Phase != DisputePhase.Executable)
            {
                throw ActionFailedException.Refused($"dispute {disputeId} is in its {(DisputePhase)info.Phase} phase, not Executable");
            }

            var (session, _) = await SessionActions.FindAsync(context, dispute.SessionId, cancellationToken).ConfigureAwait(false);
            var receipt = await context.SendAsync($"executing the ruling of dispute {disputeId}", Manager(context).Address,
                new ExecuteRulingFunction { DisputeId = disputeId, Dispute = dispute, Session = session.Terms }, cancellationToken).ConfigureAwait(false);
            return new DisputeTransaction(await ShowCoreAsync(context, disputeId, cancellationToken).ConfigureAwait(false), Asset.Vpn.Amount(0), receipt.TransactionHash,
                (ulong)receipt.BlockNumber.Value);
        }, cancellationToken);

    /// <summary>
    /// Collects what the account is owed: with <paramref name="disputeId"/>, its juror rewards of every round of that
    /// dispute where it voted with the majority (settling a round first when needed); then everything credited to it
    /// (rulings, rewards) is withdrawn.
    /// </summary>
    public static Task<ActionResult<ClaimResult>> ClaimAsync(ActionContext context, ulong? disputeId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("claiming");
            var manager = Manager(context);
            var rewards = new List<RoundReward>();
            var hashes = new List<string>();
            if (disputeId is { } id)
            {
                var view = await ShowCoreAsync(context, id, cancellationToken).ConfigureAwait(false);
                var (dispute, _) = await FindAsync(context, id, cancellationToken).ConfigureAwait(false);
                foreach (var round in view.Rounds)
                {
                    var mine = round.Votes.FirstOrDefault(v => Addresses.Same(v.Juror, account));
                    if (mine is null || mine.Claimed || round.Ruling == Ruling.None || mine.Vote != round.Ruling)
                    {
                        continue;
                    }

                    // A round with incoherent seats (unrevealed or outvoted) pays only after its settlement slashed them.
                    if (!round.Settled && (round.UpheldSeats + round.RejectedSeats < round.Seats || (round.UpheldSeats > 0 && round.RejectedSeats > 0)))
                    {
                        var settle = await context.SendAsync($"settling round {round.Round} of dispute {id}", manager.Address,
                            new SettleRoundFunction { DisputeId = id, Round = (byte)round.Round, Dispute = dispute, Committee = [.. round.Committee] }, cancellationToken).ConfigureAwait(false);
                        hashes.Add(settle.TransactionHash);
                    }

                    var claim = await context.SendAsync($"claiming the juror reward of round {round.Round} of dispute {id}", manager.Address,
                        new ClaimRewardFunction { DisputeId = id, Round = (byte)round.Round }, cancellationToken).ConfigureAwait(false);
                    hashes.Add(claim.TransactionHash);
                    rewards.Add(new RoundReward(round.Round, Asset.Vpn.Amount(claim.DecodeAllEvents<RewardClaimedEvent>().Aggregate(BigInteger.Zero, (sum, e) => sum + e.Event.Amount))));
                }
            }

            var claimable = await manager.ClaimableQueryAsync(account, null, cancellationToken).ConfigureAwait(false);
            var withdrawn = BigInteger.Zero;
            if (claimable > 0)
            {
                var receipt = await context.SendAsync($"withdrawing {Asset.Vpn.Amount(claimable)} credited by disputes", manager.Address, new WithdrawFunction(), cancellationToken)
                    .ConfigureAwait(false);
                hashes.Add(receipt.TransactionHash);
                withdrawn = receipt.DecodeAllEvents<WithdrawnEvent>().Aggregate(BigInteger.Zero, (sum, e) => sum + e.Event.Amount);
            }
            else if (rewards.Count == 0)
            {
                throw ActionFailedException.Refused($"{account} has nothing to claim{(disputeId is null ? "" : $" from dispute {disputeId}")}");
            }

            return new ClaimResult(rewards, Asset.Vpn.Amount(withdrawn), hashes);
        }, cancellationToken);

    internal static async Task<(Dispute Record, string EvidenceUri)> FindAsync(ActionContext context, ulong disputeId, CancellationToken cancellationToken)
    {
        if (disputeId == 0)
        {
            throw ActionFailedException.InvalidInput("dispute ids start at 1");
        }

        return await Reader(context).FindAsync(disputeId, cancellationToken).ConfigureAwait(false)
            ?? throw ActionFailedException.NotFound($"there is no dispute {disputeId} on this network");
    }

    private static async Task<DisputeView> ShowCoreAsync(ActionContext context, ulong disputeId, CancellationToken cancellationToken)
    {
        var (dispute, uri) = await FindAsync(context, disputeId, cancellationToken).ConfigureAwait(false);
        var manager = Manager(context);
        var info = (await manager.DisputeInfoQueryAsync(disputeId, null, cancellationToken).ConfigureAwait(false)).Info;
        var reader = Reader(context);
        var rounds = new List<RoundView>();
        for (byte r = 0; r <= info.Round; r++)
        {
            var round = (await manager.RoundInfoQueryAsync(disputeId, r, null, cancellationToken).ConfigureAwait(false)).Info;
            var drawn = await reader.CommitteeAsync(disputeId, r, cancellationToken).ConfigureAwait(false);
            var committee = drawn?.Committee ?? [];
            var votes = new List<VoteView>();
            foreach (var juror in committee.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var vote = (await manager.JurorVoteQueryAsync(disputeId, r, juror, null, cancellationToken).ConfigureAwait(false)).Vote;
                votes.Add(new VoteView(juror, committee.Count(c => Addresses.Same(c, juror)), vote.Commitment.Any(b => b != 0), (Ruling)vote.Vote, vote.Claimed));
            }

            static DateTimeOffset? Time(ulong t) => t == 0 ? null : DateTimeOffset.FromUnixTimeSeconds((long)t);
            rounds.Add(new RoundView(r, round.Size, committee, round.UpheldSeats, round.RejectedSeats, (Ruling)round.Ruling, round.Settled,
                Time(drawn?.CommitDeadline ?? round.CommitDeadline), Time(drawn?.RevealDeadline ?? round.RevealDeadline), Time(drawn?.AppealDeadline ?? round.AppealDeadline),
                Asset.Vpn.Amount(round.RewardPerSeat), votes));
        }

        return new DisputeView(disputeId, dispute.SessionId, dispute.Filer, dispute.Respondent, (ClaimType)dispute.ClaimType, dispute.RuleId, dispute.EvidenceVerified,
            DateTimeOffset.FromUnixTimeSeconds((long)dispute.FiledAt), "0x" + Convert.ToHexStringLower(dispute.EvidenceHash), uri, Asset.Vpn.Amount(dispute.Penalty),
            (DisputePhase)info.Phase, (Ruling)info.Ruling, rounds);
    }

    private static void CheckFiler(DisputeFiling filing, Session session, string account)
    {
        switch (filing.ClaimType)
        {
            case ClaimType.ClientBreachedPolicy when !Addresses.Same(account, session.Provider):
                throw ActionFailedException.Refused($"a claim that the client breached the policy is filed by the session's provider {session.Provider}");
            case ClaimType.ProviderBreachedPolicy or ClaimType.ProviderOvercharged or ClaimType.ProviderWithheldService when !Addresses.Same(account, session.Client):
                throw ActionFailedException.Refused($"a claim against the provider is filed by the session's client {session.Client}");
            case ClaimType.None:
                throw ActionFailedException.InvalidInput("say what is claimed (--claim)");
        }

        if (filing.Proof is not null && filing.ClaimType != ClaimType.ClientBreachedPolicy)
        {
            throw ActionFailedException.InvalidInput("a record proof goes only with a claim that the client breached the policy");
        }
    }

    private static DisputeManagerService Manager(ActionContext context) => new(context.Web3, context.AddressOf(ContractNames.DisputeManager));

    private static DisputeReader Reader(ActionContext context)
        => new(context.Web3, context.AddressOf(ContractNames.DisputeManager), context.Chain.DeploymentBlock(ContractNames.DisputeManager), context.Chain.MaxLogRange);
}

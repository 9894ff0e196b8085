using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Core.Evidence;
using OracleNode.Judging;
using OracleNode.Tests.Support;

namespace Oracle.SoundnessBench;

/// <summary>
/// One scripted dispute judged by a committee, of one of three kinds, true or false: ProviderBreachedPolicy (the
/// client shows an SMB flow the provider carried — or a web flow, which the policy allows), ProviderWithheldService
/// (a web flow the provider dropped "by rule 7" — or an SMB flow, which rule 7 does deny), ClientBreachedPolicy from a
/// collector's co-signed record (an SMB flow the client tried — or a web flow labelled denied). The session's log is
/// served by the run's collector and anchored on-chain before the filing; the filer discloses the session's key to
/// each committee once drawn. After each round the party the ruling wrongs appeals, as a wronged party would, while
/// rounds remain; the nodes do everything else. (A claim with an on-chain record proof is decided by the contract at
/// filing, without a committee: not what this measures.)
/// </summary>
internal sealed class DisputeScript(TestWorld world, NodeCluster cluster, EvidenceServer collector, Party provider, byte committee, int kind, bool truth)
{
    public async Task<DisputeOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var client = await world.NewPartyAsync(vpn: 1_500);
        var (sessionId, terms) = await world.OpenSessionAsync(client, provider, Policies.Exit, committee);
        var log = new SessionLog(world, sessionId, client, provider);
        log.Add(log.Flow("198.51.100.10", 443, FlowVerdict.Allowed, 0));
        var (claim, leaf) = kind switch
        {
            0 => (ClaimNames.ProviderBreachedPolicy, truth ? log.Add(log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0)) : log.Add(log.Flow("198.51.100.11", 443, FlowVerdict.Allowed, 0))),
            1 => (ClaimNames.ProviderWithheldService, truth ? log.Add(log.Flow("198.51.100.12", 80, FlowVerdict.Denied, 7)) : log.Add(log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7))),
            _ => (ClaimNames.ClientBreachedPolicy, truth ? log.Add(log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7)) : log.Add(log.Flow("198.51.100.12", 80, FlowVerdict.Denied, 7))),
        };
        var key = RecordSealer.NewKey();
        await collector.PublishAsync(log, key);
        var filer = claim == ClaimNames.ClientBreachedPolicy ? provider : client;
        var respondent = filer == client ? provider : client;
        var (id, record) = await Claims.FileAsync(world, filer, sessionId, terms, claim, 7, Claims.Document(sessionId, Policies.Exit, [leaf]));
        var filedAt = record.FiledAt;
        var rulings = new List<bool>();
        var appeals = 0;
        for (byte round = 0; round < world.Parameters.MaxRounds; round++)
        {
            var drawn = await cluster.CommitteeAsync(id, round, TimeSpan.FromSeconds(world.Parameters.DrawingPeriod.TotalSeconds + 60));
            await Claims.SubmitAsync(filer, id, record, Claims.Document(sessionId, disclosures: cluster.Disclose(drawn, sessionId, key), disputeId: id));
            await UntilAsync(drawn.RevealDeadline + 1, cancellationToken);
            var upheld = (await world.Deployer.Disputes.RoundInfoQueryAsync(id, round, null, cancellationToken)).Info.Ruling == 1;
            rulings.Add(upheld);
            if (upheld == truth || round + 1 == world.Parameters.MaxRounds)
            {
                break;
            }

            // The wronged party (the loser of this round) appeals within the appeal window.
            var appellant = upheld ? respondent : filer;
            var seats = drawn.Committee.Count * 2 + 1;
            await appellant.Token.ApproveAsync(world.AddressOf(ContractNames.DisputeManager), world.Parameters.FeePerSeat * seats + world.Parameters.StakePerRound, cancellationToken);
            // A fixed gas limit: the estimate is made against a state that other draws change before it is mined.
            var appealed = await appellant.Disputes.TrySendAsync(new AppealFunction { DisputeId = id, Dispute = record, Gas = 2_000_000 }, cancellationToken);
            if (!appealed.IsSuccess)
            {
                throw new InvalidOperationException($"dispute {id}: the appeal of round {round} failed: {appealed.Error}");
            }

            appeals++;
        }

        var ruling = await cluster.RulingAsync(id, TimeSpan.FromSeconds(world.Parameters.AppealPeriod.TotalSeconds * 2 + 120));
        var executedAt = await world.Chain.LatestTimestampAsync();
        return new DisputeOutcome(id, ClaimNames.Of(claim), truth, rulings, appeals, ruling.Ruling == 1, (long)(executedAt - filedAt));
    }

    private async Task UntilAsync(ulong chainTime, CancellationToken cancellationToken)
    {
        while (await world.Chain.LatestTimestampAsync() < chainTime)
        {
            await Task.Delay(500, cancellationToken);
        }
    }
}

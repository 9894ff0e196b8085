using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using SessionTerms = Oracle.Chain.Contracts.Session;

namespace Oracle.Contracts.Tests.Support;

/// <summary>Files, draws, votes and executes disputes the way parties and oracle nodes do.</summary>
internal static class Disputes
{
    public static SessionTerms Terms(Oracle.Chain.Contracts.Session s) => new()
    {
        Client = s.Client,
        Provider = s.Provider,
        Deposit = s.Deposit,
        PricePerMiB = s.PricePerMiB,
        Penalty = s.Penalty,
        CommitteeSize = s.CommitteeSize,
        OpenedAt = s.OpenedAt,
        PolicyHash = s.PolicyHash,
        PanelHash = s.PanelHash,
    };

    public static Claim Claim(ulong sessionId, ClaimType type, uint ruleId = 7) => new()
    {
        SessionId = sessionId,
        ClaimType = (byte)type,
        RuleId = ruleId,
        EvidenceHash = SHA256.HashData("evidence"u8),
        EvidenceUri = "ipfs://evidence",
    };

    public static BigInteger FilingCost(TestNetwork network, byte seats) => network.Parameters.FeePerSeat * seats + network.Parameters.StakePerRound;

    public static async Task<(ulong Id, Dispute Dispute)> FileAsync(TestNetwork network, Actor filer, Claim claim, SessionTerms session, List<string>? panel = null, List<RecordProof>? proof = null)
    {
        await TestNetwork.ApproveAsync(filer, network.AddressOf(ContractNames.DisputeManager), FilingCost(network, session.CommitteeSize));
        var receipt = await filer.Disputes.FileDisputeAsync(claim, session, panel ?? [], proof ?? []);
        var filed = TestNetwork.Event<DisputeFiledEvent>(receipt);
        return (filed.DisputeId, filed.Dispute);
    }

    /// <summary>Makes the randomness ready (mines the block a local source waits for, answers VRF requests) and draws.</summary>
    public static async Task<CommitteeDrawnEvent> DrawAsync(TestNetwork network, Actor caller, ulong id, Dispute dispute)
    {
        await network.Chain.MineAsync();
        await network.FulfillRandomnessAsync();
        return TestNetwork.Event<CommitteeDrawnEvent>(await caller.Disputes.DrawAsync(id, dispute));
    }

    /// <summary>
    /// Makes the randomness ready and draws once: the committee, or <see langword="null"/> when the round asked for new
    /// randomness instead (an expired request or a snapshot that could not fill the committee).
    /// </summary>
    public static async Task<CommitteeDrawnEvent?> TryDrawAsync(TestNetwork network, Actor caller, ulong id, Dispute dispute)
    {
        await network.Chain.MineAsync();
        await network.FulfillRandomnessAsync();
        var receipt = await caller.Disputes.DrawAsync(id, dispute);
        return receipt.DecodeAllEvents<CommitteeDrawnEvent>().SingleOrDefault()?.Event;
    }

    /// <summary>Draws in the next block (after making a pending randomness request ready, when one needs it).</summary>
    public static async Task<CommitteeDrawnEvent> DrawNowAsync(TestNetwork network, Actor caller, ulong id, Dispute dispute)
    {
        await network.FulfillRandomnessAsync();
        return TestNetwork.Event<CommitteeDrawnEvent>(await caller.Disputes.DrawAsync(id, dispute));
    }

    public static byte[] Salt() => RandomNumberGenerator.GetBytes(32);

    public static async Task CommitAsync(Actor juror, ulong id, byte round, List<string> committee, Ruling vote, byte[] salt)
    {
        var commitment = await juror.Disputes.CommitmentOfQueryAsync(juror.Address, id, round, (byte)vote, salt);
        await juror.Disputes.CommitAsync(id, round, committee, commitment);
    }

    /// <summary>The distinct jurors of a committee, in first-seat order.</summary>
    /// <summary>
    /// Opens a session, files a dispute on it and draws the committee; when one oracle took every seat (the draw is
    /// random, weighted by stake) it starts again on a new session, so a test that needs two jurors always has them.
    /// </summary>
    public static async Task<(SessionTerms Terms, ulong Id, Dispute Dispute, CommitteeDrawnEvent Drawn)> FileAndDrawSeveralJurorsAsync(
        TestNetwork network, Actor filer, Func<Task<(ulong SessionId, SessionTerms Terms)>> open, ClaimType claimType)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (sessionId, terms) = await open();
            var (id, dispute) = await FileAsync(network, filer, Claim(sessionId, claimType), terms);
            var drawn = await DrawAsync(network, filer, id, dispute);
            if (Distinct(drawn.Committee).Count >= 2)
            {
                return (terms, id, dispute, drawn);
            }

            if (attempt == 8)
            {
                throw new InvalidOperationException("eight draws in a row gave every seat to one oracle: the draw is not spreading seats by stake");
            }
        }
    }

    public static List<string> Distinct(List<string> committee)
        => committee.Select(a => a.ToLowerInvariant()).Distinct().ToList();
}

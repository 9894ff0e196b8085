using System.CommandLine;
using Nethereum.Util;
using Oracle.Actions;
using Oracle.Actions.Disputes;
using Oracle.Chain.Model;
using Oracle.Cli.Hosting;
using Oracle.Core.Policy;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle dispute file|evidence|show|execute|claim</c>.</summary>
internal static class DisputeCommands
{
    public static Command Create(CliApplication app)
    {
        var session = new Option<ulong>("--session") { Description = "The session the claim is about", Required = true };
        var claim = new Option<string>("--claim")
        {
            Description = "client-breached-policy (filed by the provider), provider-breached-policy, provider-overcharged or provider-withheld-service (by the client)",
            Required = true,
        };
        claim.AcceptOnlyFromAmong("client-breached-policy", "provider-breached-policy", "provider-overcharged", "provider-withheld-service");
        var rule = new Option<uint>("--rule") { Description = "The policy rule said to be broken (0: none)" };
        var evidence = new Option<string?>("--evidence") { Description = "The evidence document (its keccak-256 hash is filed)" };
        var evidenceHash = new Option<string?>("--evidence-hash") { Description = "Instead of --evidence: the document's hash, 0x-hex" };
        var evidenceUri = new Option<string?>("--evidence-uri") { Description = "Where the evidence document is (default with --evidence: its file URI)" };
        var proof = new Option<string?>("--proof") { Description = "A record proof (JSON): a denied flow record under a root the client signed; verified on-chain (client-breached-policy)" };
        var file = new Command("file", "File a claim on a session (you pay the committee's fee and the round's stake)")
        {
            session, claim, rule, evidence, evidenceHash, evidenceUri, proof,
        };
        file.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) =>
        {
            var (hash, uri) = Evidence(parse.GetValue(evidence), parse.GetValue(evidenceHash), parse.GetValue(evidenceUri));
            var filing = new DisputeFiling(parse.GetValue(session), ClaimOf(parse.GetValue(claim)!), parse.GetValue(rule), hash, uri,
                parse.GetValue(proof) is { } p ? RecordProofDocument.Load(p) : null);
            return DisputeActions.FileAsync(context, filing, token);
        }, PrintTransaction, ct));

        Argument<ulong> Id() => new("dispute") { Description = "The dispute id" };
        var evidenceId = Id();
        var addEvidence = new Command("evidence", "A party adds evidence to a dispute") { evidenceId, evidence, evidenceHash, evidenceUri };
        addEvidence.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) =>
        {
            var (hash, uri) = Evidence(parse.GetValue(evidence), parse.GetValue(evidenceHash), parse.GetValue(evidenceUri));
            return DisputeActions.AddEvidenceAsync(context, parse.GetValue(evidenceId), hash, uri, token);
        }, PrintTransaction, ct));

        var showId = Id();
        var show = new Command("show", "Show a dispute: phase, committee, votes, ruling") { showId };
        show.SetAction((parse, ct) => app.OnChainAsync(parse, false, (context, token) => DisputeActions.ShowAsync(context, parse.GetValue(showId), token), PrintDispute, ct));

        var executeId = Id();
        var execute = new Command("execute", "Execute a dispute's ruling once it is executable (anyone may)") { executeId };
        execute.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => DisputeActions.ExecuteAsync(context, parse.GetValue(executeId), token),
            PrintTransaction, ct));

        var claimId = new Argument<ulong?>("dispute") { Description = "Also claim your juror rewards of this dispute", Arity = ArgumentArity.ZeroOrOne };
        var claimCommand = new Command("claim", "Withdraw what rulings credited you, and (with a dispute id) your juror rewards") { claimId };
        claimCommand.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => DisputeActions.ClaimAsync(context, parse.GetValue(claimId), token),
            PrintClaim, ct));

        return new Command("dispute", "Disputes: file a claim, add evidence, follow the committee's votes, collect") { file, addEvidence, show, execute, claimCommand };
    }

    private static ClaimType ClaimOf(string text) => text switch
    {
        "client-breached-policy" => ClaimType.ClientBreachedPolicy,
        "provider-breached-policy" => ClaimType.ProviderBreachedPolicy,
        "provider-overcharged" => ClaimType.ProviderOvercharged,
        "provider-withheld-service" => ClaimType.ProviderWithheldService,
        _ => throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"--claim: unknown claim '{text}'")),
    };

    private static (byte[] Hash, string Uri) Evidence(string? file, string? hash, string? uri)
    {
        if (file is not null && hash is not null)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "give --evidence or --evidence-hash, not both"));
        }

        if (file is not null)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"--evidence: {e.Message}"));
            }

            return (Sha3Keccack.Current.CalculateHash(bytes), uri ?? new Uri(Path.GetFullPath(file)).AbsoluteUri);
        }

        if (hash is null)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "give the evidence: --evidence FILE, or --evidence-hash with --evidence-uri"));
        }

        if (string.IsNullOrWhiteSpace(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out _))
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "--evidence-uri: an absolute URI of the evidence document is needed"));
        }

        return (Arguments.Hash32(hash, "--evidence-hash"), uri);
    }

    private static void PrintTransaction(DisputeTransaction t, CliOutput output)
    {
        PrintDispute(t.Dispute, output);
        if (!t.Paid.IsZero)
        {
            output.Field("paid", $"{t.Paid} (fee and stake)");
        }

        output.Field("transaction", $"{t.TransactionHash} (block {t.Block})");
    }

    private static void PrintDispute(DisputeView d, CliOutput output)
    {
        output.Line($"dispute {d.DisputeId} on session {d.SessionId}: {d.ClaimType}{(d.RuleId == 0 ? "" : $" ({PolicyDecision.Describe(d.RuleId)})")}");
        output.Field("phase", d.Phase);
        output.Field("ruling", d.Ruling);
        output.Field("filer", d.Filer);
        output.Field("respondent", d.Respondent);
        output.Field("penalty", d.Penalty);
        output.Field("evidence", $"{d.EvidenceHash} {d.EvidenceUri}{(d.EvidenceVerified ? " (record proof verified on-chain)" : "")}");
        output.Field("filed", d.FiledAt);
        foreach (var r in d.Rounds)
        {
            output.Line($"  round {r.Round}: {r.Seats} seats, {r.UpheldSeats} upheld, {r.RejectedSeats} rejected{(r.Ruling == Ruling.None ? "" : $", ruling {r.Ruling}")}{(r.Settled ? ", settled" : "")}");
            if (r.Committee.Count == 0)
            {
                output.Line("    committee not drawn yet");
                continue;
            }

            output.Line($"    commit until {Arguments.Time(r.CommitDeadline)}, reveal until {Arguments.Time(r.RevealDeadline)}, appeal until {Arguments.Time(r.AppealDeadline)}");
            foreach (var v in r.Votes)
            {
                var vote = v.Vote != Ruling.None ? v.Vote.ToString().ToLowerInvariant() : v.Committed ? "committed" : "no vote yet";
                output.Line($"    {v.Juror}  {v.Seats} seat(s)  {vote}{(v.Claimed ? ", reward claimed" : "")}");
            }
        }
    }

    private static void PrintClaim(ClaimResult c, CliOutput output)
    {
        foreach (var reward in c.Rewards)
        {
            output.Line($"juror reward of round {reward.Round}: {reward.Amount}");
        }

        output.Line($"withdrawn: {c.Withdrawn}");
    }
}

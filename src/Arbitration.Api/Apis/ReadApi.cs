using System.Numerics;
using Arbitration.Api.Apis.Models;
using Arbitration.Api.ReadModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Oracle.Chain.Model;

namespace Arbitration.Api.Apis;

/// <summary>
/// The read endpoints: providers, sessions, disputes, oracles, rates and statistics, all answered from the read model
/// (never the chain), with keyset paging, filters and ETags.
/// </summary>
public static class ReadApi
{
    /// <summary>Maps the read endpoints.</summary>
    public static IEndpointRouteBuilder MapReadApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var reads = app.MapGroup("").WithTags("Read model").ProducesProblem(StatusCodes.Status400BadRequest);

        reads.MapGet("/providers", Providers).WithName("ListProviders")
            .WithSummary("Providers by price, filtered by region, price and status (Active by default; `any` for all), with bond and reputation.")
            .Produces<Page<ProviderView>>();
        reads.MapGet("/providers/{address}", Provider).WithName("GetProvider").WithSummary("One provider.")
            .Produces<ProviderView>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/sessions", Sessions).WithName("ListSessions").WithSummary("Sessions, newest first, filtered by provider, client and status.")
            .Produces<Page<SessionSummary>>();
        reads.MapGet("/sessions/{sessionId:long}", Session).WithName("GetSession")
            .WithSummary("A session: parties, terms, start and stop, payments and traffic, vouchers settled, evidence anchors, disputes.")
            .Produces<SessionView>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/disputes", Disputes).WithName("ListDisputes")
            .WithSummary("Disputes, newest first, filtered by session, party, juror, phase and claim type.")
            .Produces<Page<DisputeSummary>>();
        reads.MapGet("/disputes/{disputeId:long}", Dispute).WithName("GetDispute")
            .WithSummary("A dispute: phase, timeline, rounds with committee and revealed votes, ruling, payouts, evidence.")
            .Produces<DisputeView>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/oracles", Oracles).WithName("ListOracles")
            .WithSummary("Staked oracles, largest stake first: stake, locks, votes and coherence, rewards, slashes.")
            .Produces<Page<OracleView>>();
        reads.MapGet("/oracles/{address}", Oracle).WithName("GetOracle").WithSummary("One oracle.")
            .Produces<OracleView>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/rates", Rates).WithName("GetRates")
            .WithSummary("Both price feeds (latest and recent rounds), the exchange's reference per feed and whether trading is paused.")
            .Produces<RatesView>();
        reads.MapGet("/rates/{feed}/rounds", Rounds).WithName("ListPriceRounds").WithSummary("A feed's rounds, newest first.")
            .Produces<Page<PriceRoundView>>().ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/stats/disputes", Stats).WithName("GetDisputeStats")
            .WithSummary("Disputes filed, upheld, rejected and dismissed per day of chain time (the dashboard's chart).")
            .Produces<IReadOnlyList<DisputeStatsBucket>>();
        return app;
    }

    private static async Task<IResult> Providers(ReadModelQueries queries, string? region, string? maxPricePerMiB, string? status, int? limit, string? after,
        CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        if (region is not null && (region.Length is < 2 or > 8 || !region.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            args.Fail("region", "an ISO 3166 code in upper case, for example DE or US-CA");
        }

        var maxPrice = args.Amount("maxPricePerMiB", maxPricePerMiB);
        var state = args.OneOf("status", status ?? "Active", "Active", "Unbonding", "Withdrawn", "any");
        var query = new ProviderQuery(region, maxPrice, state == "any" ? null : state, args.Limit(limit), args.Cursor(after, 2));
        if (query.After is { } cursor && (!BigInteger.TryParse(cursor[0], out _) || cursor[1].Length != 42))
        {
            args.Fail("after", "not a cursor of this list: pass the `next` of the previous page");
        }

        return args.IsValid ? Etagged.Json(await queries.ProvidersAsync(query, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Provider(ReadModelQueries queries, string address, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        var a = args.Address("address", address);
        if (!args.IsValid)
        {
            return args.Problem();
        }

        return await queries.ProviderAsync(a!, cancellationToken) is { } provider
            ? Etagged.Json(provider)
            : Problem.Of(ProblemTypes.NotFound, $"no provider {address} is registered (or the read model has not reached it yet)");
    }

    private static async Task<IResult> Sessions(ReadModelQueries queries, string? provider, string? client, string? status, int? limit, string? after,
        CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        var query = new SessionQuery(args.Address("provider", provider), args.Address("client", client), args.OneOf("status", status, "Open", "Closing", "Closed"),
            args.Limit(limit), args.IdCursor(after));
        return args.IsValid ? Etagged.Json(await queries.SessionsAsync(query, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Session(ReadModelQueries queries, long sessionId, CancellationToken cancellationToken)
        => await queries.SessionAsync(sessionId, cancellationToken) is { } session
            ? Etagged.Json(session)
            : Problem.Of(ProblemTypes.UnknownSession, $"no session {sessionId} (or the read model has not reached it yet)");

    private static async Task<IResult> Disputes(ReadModelQueries queries, long? sessionId, string? party, string? juror, string? phase, string? claimType,
        int? limit, string? after, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        var claim = args.OneOf("claimType", claimType, Enum.GetNames<ClaimType>().Where(n => n != nameof(ClaimType.None)).ToArray());
        var query = new DisputeQuery(sessionId, args.Address("party", party), args.Address("juror", juror),
            args.OneOf("phase", phase, "Drawing", "Commit", "Reveal", "Appealable", "Executable", "Executed"),
            claim is null ? null : (int)Enum.Parse<ClaimType>(claim), args.Limit(limit), args.IdCursor(after));
        return args.IsValid ? Etagged.Json(await queries.DisputesAsync(query, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Dispute(ReadModelQueries queries, long disputeId, CancellationToken cancellationToken)
        => await queries.DisputeAsync(disputeId, cancellationToken) is { } dispute
            ? Etagged.Json(dispute)
            : Problem.Of(ProblemTypes.UnknownDispute, $"no dispute {disputeId} (or the read model has not reached it yet)");

    private static async Task<IResult> Oracles(ReadModelQueries queries, int? limit, string? after, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        var query = new OracleQuery(args.Limit(limit), args.Cursor(after, 2));
        if (query.After is { } cursor && (!BigInteger.TryParse(cursor[0], out _) || cursor[1].Length != 42))
        {
            args.Fail("after", "not a cursor of this list: pass the `next` of the previous page");
        }

        return args.IsValid ? Etagged.Json(await queries.OraclesAsync(query, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Oracle(ReadModelQueries queries, string address, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        var a = args.Address("address", address);
        if (!args.IsValid)
        {
            return args.Problem();
        }

        return await queries.OracleAsync(a!, cancellationToken) is { } oracle
            ? Etagged.Json(oracle)
            : Problem.Of(ProblemTypes.NotFound, $"{address} never staked as an oracle (or the read model has not reached it yet)");
    }

    private static async Task<IResult> Rates(ReadModelQueries queries, ReadModelContracts contracts, int? rounds, CancellationToken cancellationToken)
    {
        var args = new QueryArgs();
        if (rounds is < 1 or > 100)
        {
            args.Fail("rounds", "between 1 and 100");
        }

        return args.IsValid ? Etagged.Json(await queries.RatesAsync(contracts, rounds ?? 20, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Rounds(ReadModelQueries queries, string feed, int? limit, string? after, CancellationToken cancellationToken)
    {
        if (feed is not (ReadModelContracts.VpnEth or ReadModelContracts.BtcEth))
        {
            return Problem.Of(ProblemTypes.NotFound, $"no feed '{feed}': vpn-eth or btc-eth");
        }

        var args = new QueryArgs();
        var cursor = args.Cursor(after, 1);
        BigInteger? afterRound = null;
        if (cursor is not null)
        {
            if (BigInteger.TryParse(cursor[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var round))
            {
                afterRound = round;
            }
            else
            {
                args.Fail("after", "not a cursor of this list: pass the `next` of the previous page");
            }
        }

        var size = args.Limit(limit);
        return args.IsValid ? Etagged.Json(await queries.RoundsAsync(feed, size, afterRound, cancellationToken)) : args.Problem();
    }

    private static async Task<IResult> Stats(ReadModelQueries queries, int? days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > 366)
        {
            return Problem.Invalid("days", "between 1 and 366");
        }

        return Etagged.Json(await queries.DisputeStatsAsync(days ?? 30, cancellationToken));
    }
}

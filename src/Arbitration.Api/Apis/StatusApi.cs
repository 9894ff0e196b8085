using System.Text;
using Arbitration.Api.Apis.Models;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Oracle.Chain;

namespace Arbitration.Api.Apis;

/// <summary>The read model's status, the list of problem types, and a server-sent event stream of new blocks.</summary>
public static class StatusApi
{
    /// <summary>The rate-limiting policy of event streams: concurrent streams per client address.</summary>
    public const string EventStreamPolicy = "events";

    /// <summary>Maps <c>/status</c>, <c>/problems</c> and <c>/events</c>.</summary>
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/status", Status).WithTags("Status").WithName("GetStatus")
            .WithSummary("How far the read model follows the chain, and counts.").Produces<StatusView>();
        app.MapGet("/problems", () => TypedResults.Ok(ProblemTypes.All)).WithTags("Status").WithName("ListProblemTypes")
            .WithSummary("Every problem type the API answers with: its type URI, HTTP status, title and meaning.");
        app.MapGet("/problems/{slug}", (string slug) => ProblemTypes.All.FirstOrDefault(p => p.Slug == slug) is { } p
                ? Results.Ok(p)
                : Problem.Of(ProblemTypes.NotFound, $"no problem type '{slug}'"))
            .WithTags("Status").WithName("GetProblemType").WithSummary("One problem type.")
            .Produces<ProblemType>().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/events", Stream).WithTags("Status").WithName("StreamEvents")
            .WithSummary("Server-sent events: `head` with {block, time} whenever the read model applies new blocks (the dashboard refreshes on it).")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(EventStreamPolicy);
        return app;
    }

    private static async Task<IResult> Status(ReadModelQueries queries, ChainContext chain, CancellationToken cancellationToken)
    {
        var (asOf, providers, sessions, disputes, open, oracles) = await queries.CountsAsync(cancellationToken);
        return Etagged.Json(new StatusView(asOf, providers, sessions, disputes, open, oracles, (long)chain.ChainId, chain.Address ?? ""));
    }

    // Polls the read model's head (cheap: one row) and sends an event when it moved; comments keep proxies from timing
    // the stream out. Ends when the client goes away or the server stops.
    private static async Task Stream(HttpContext context, ReadModelQueries queries, IOptions<ApiOptions> options, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(cancellationToken);
        ChainPosition? last = null;
        var quiet = 0;
        var interval = options.Value.EventStreamPollInterval;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var position = await queries.PositionAsync(cancellationToken);
                if (position is not null && position != last)
                {
                    last = position;
                    quiet = 0;
                    await context.Response.WriteAsync($"event: head\ndata: {{\"block\":{position.Block},\"time\":{position.Time}}}\n\n", Encoding.UTF8, cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                }
                else if (++quiet * interval >= TimeSpan.FromSeconds(15))
                {
                    quiet = 0;
                    await context.Response.WriteAsync(": keep-alive\n\n", Encoding.UTF8, cancellationToken);
                    await context.Response.Body.FlushAsync(cancellationToken);
                }

                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left or the server stops: the stream simply ends.
        }
    }
}

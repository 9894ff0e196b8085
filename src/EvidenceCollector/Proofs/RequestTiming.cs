using System.Diagnostics;
using System.Globalization;

namespace EvidenceCollector.Proofs;

/// <summary>
/// Times every read API and tile request on the server: the <c>request_seconds{endpoint}</c> histogram at /metrics
/// (by route pattern, to the response's last byte), and a W3C <c>Server-Timing: app;dur=…</c> header (milliseconds, to
/// the response's first byte) so a client, such as bench/ingest.sh, tells the collector's time from the network's
/// and its own.
/// </summary>
internal static class RequestTiming
{
    /// <summary>Adds the timing to <paramref name="app"/>'s pipeline (after routing, before the endpoints).</summary>
    public static IApplicationBuilder UseRequestTiming(this IApplicationBuilder app, CollectorMetrics metrics)
        => app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/v1") && !path.StartsWithSegments("/tile") && !path.StartsWithSegments("/checkpoint"))
            {
                await next(context);
                return;
            }

            var started = Stopwatch.GetTimestamp();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"app;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.000}");
                return Task.CompletedTask;
            });
            try
            {
                await next(context);
            }
            finally
            {
                metrics.Request((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched", Stopwatch.GetElapsedTime(started));
            }
        });
}

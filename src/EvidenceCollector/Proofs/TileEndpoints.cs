using EvidenceCollector.Log;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Proofs;

/// <summary>
/// The global log as C2SP tlog-tiles (https://c2sp.org/tlog-tiles), read-only: <c>/checkpoint</c> (the latest signed
/// checkpoint note), <c>/tile/&lt;L&gt;/&lt;N&gt;[.p/&lt;W&gt;]</c> (hashes) and <c>/tile/entries/&lt;N&gt;[.p/&lt;W&gt;]</c>
/// (leaves, each prefixed with its big-endian uint16 length), so transparency-log clients, witnesses and monitors can
/// follow the log without our code. Full tiles never change and are served as immutable.
/// </summary>
internal static class TileEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapTileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/checkpoint", async (LogReader log, HttpContext http, CancellationToken cancellationToken) =>
            {
                var head = await log.HeadAsync(cancellationToken);
                if (head is null)
                {
                    return Results.Problem("the global log has no checkpoint yet", statusCode: 404, title: "not yet");
                }

                http.Response.Headers.CacheControl = "no-cache";
                return Results.Text(head.Checkpoint, "text/plain; charset=utf-8");
            })
            .WithTags("tlog-tiles")
            .WithSummary("The latest signed checkpoint of the global log (C2SP tlog-checkpoint)");
        app.MapGet("/tile/{**path}", async (string path, LogReader log, HttpContext http, CancellationToken cancellationToken) =>
            {
                if (!TilePath.TryParse(path, out var tile))
                {
                    return Results.Problem($"'tile/{path}' is not a C2SP tile path", statusCode: 404, title: "not found");
                }

                var head = await log.HeadAsync(cancellationToken);
                var bytes = head is null ? null : await log.TileAsync(tile, head.TreeSize, cancellationToken);
                if (bytes is null)
                {
                    return Results.Problem($"the global log has no {tile} (it has {head?.TreeSize ?? 0} leaves)", statusCode: 404, title: "not found");
                }

                http.Response.Headers.CacheControl = tile.IsFull ? "public, max-age=31536000, immutable" : "no-cache";
                return Results.Bytes(bytes, "application/octet-stream");
            })
            .WithTags("tlog-tiles")
            .WithSummary("A tile of hashes, or a bundle of entries, of the global log (C2SP tlog-tiles)");
        return app;
    }
}

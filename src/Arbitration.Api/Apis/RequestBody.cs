using System.Buffers;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Arbitration.Api.Apis;

/// <summary>
/// Reads a JSON request body within a size limit: a declared or actual length above it is 413, another media type 415,
/// bytes that are not JSON 400 — each as a problem, before anything else looks at the body.
/// </summary>
public static class RequestBody
{
    /// <summary>The body's bytes and parsed document, or the problem to answer.</summary>
    public static async Task<(byte[]? Bytes, JsonDocument? Document, IResult? Problem)> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, null, Problem.Of(ProblemTypes.UnsupportedMediaType, "send the body as application/json"));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, null, Problem.Of(ProblemTypes.PayloadTooLarge, $"the body may have at most {maxBytes} bytes"));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, 64 * 1024));
        try
        {
            using var body = new MemoryStream();
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > maxBytes)
                {
                    return (null, null, Problem.Of(ProblemTypes.PayloadTooLarge, $"the body may have at most {maxBytes} bytes"));
                }

                body.Write(buffer, 0, read);
            }

            var bytes = body.ToArray();
            try
            {
                var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
                return (bytes, document, null);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                return (null, null, Problem.Invalid("$", "the body is not JSON: " + e.Message.Split(" Path:")[0]));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

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
            // The parser reads strings lazily: invalid UTF-8, or an escaped lone surrogate ("\ud800"), would only throw
            // when a field is read. Both are refused here, whole.
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                return (null, null, Problem.Invalid("$", "the body is not valid UTF-8"));
            }

            try
            {
                var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
                if (!TextIsValid(document.RootElement))
                {
                    document.Dispose();
                    return (null, null, Problem.Invalid("$", "the body has a string that is not valid Unicode (an escaped lone surrogate)"));
                }

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

    // Every string and member name decodes (the depth is bounded by the parser's MaxDepth).
    private static bool TextIsValid(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    return true;
                case JsonValueKind.Object:
                    foreach (var member in element.EnumerateObject())
                    {
                        _ = member.Name;
                        if (!TextIsValid(member.Value))
                        {
                            return false;
                        }
                    }

                    return true;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        if (!TextIsValid(item))
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

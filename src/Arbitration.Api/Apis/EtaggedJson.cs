using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Arbitration.Api.Apis;

/// <summary>
/// A JSON answer with a strong ETag over its bytes: a client that sends the ETag back in <c>If-None-Match</c> gets
/// <c>304 Not Modified</c> while nothing changed. <c>Cache-Control: no-cache</c>: caches must revalidate, because the read
/// model moves with every block.
/// </summary>
/// <typeparam name="T">The body.</typeparam>
public sealed class EtaggedJson<T>(T value) : IResult
{
    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";
        var response = httpContext.Response;
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "no-cache";
        if (httpContext.Request.Headers.IfNoneMatch.Any(v => v is not null && (v == "*" || v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "W/" + etag))))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

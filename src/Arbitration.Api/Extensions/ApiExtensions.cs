using System.Net;
using System.Threading.RateLimiting;
using Arbitration.Api.Apis;
using Dapper;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;

namespace Arbitration.Api.Extensions;

/// <summary>HTTP concerns: JSON, problem details everywhere, limits, rate limiting, the OpenAPI document, the dashboard's files.</summary>
internal static class ApiExtensions
{
    /// <summary>Registers the HTTP API's services.</summary>
    public static WebApplicationBuilder AddArbitrationApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        builder.Services.AddSingleton(TimeProvider.System);
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
        });
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        // Binding failures (a non-numeric id, a malformed query) throw, so ApiExceptionHandler answers them as problems.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Bare status codes (routing, middleware) get their stable type; nothing from the exception leaks out.
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (context.ProblemDetails.Type is null || context.ProblemDetails.Type.StartsWith("https://tools.ietf.org", StringComparison.Ordinal))
            {
                var type = ProblemTypes.ForStatus(status);
                context.ProblemDetails.Type = type.Uri;
                context.ProblemDetails.Title = type.Title;
            }

            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(FilingApi.RateLimitPolicy, context => PerClient(context, options.FilingsPerMinute));
            limiter.AddPolicy(EvidenceApi.RateLimitPolicy, context => PerClient(context, options.EvidencePerMinute));
            limiter.AddPolicy(FilingApi.TemplatePolicy, context => PerClient(context, options.TemplatesPerMinute));
            limiter.AddPolicy(StatusApi.EventStreamPolicy, context => RateLimitPartition.GetConcurrencyLimiter(
                context.Connection.RemoteIpAddress ?? IPAddress.None, _ => new ConcurrencyLimiterOptions { PermitLimit = options.MaxEventStreamsPerClient, QueueLimit = 0 }));
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problem.Of(ProblemTypes.RateLimited, $"this client sent more requests per minute, or holds more event streams, than the endpoint allows; retry after {retryAfter.TotalSeconds:0} s").ExecuteAsync(context.HttpContext);
            };
        });

        builder.Services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Oracle Arbitration API";
            document.Info.Version = "1";
            document.Info.Description = "Gasless dispute filing (signed EIP-712 filings relayed on-chain) and a read model of providers, sessions, "
                + "disputes, oracles and prices. Errors are RFC 7807 problem details with a stable `type` (GET /problems). See docs/api.md.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    // One fixed window per client address (behind a proxy, configure forwarded headers so this is the client's).
    private static RateLimitPartition<IPAddress> PerClient(HttpContext context, int perMinute)
        => RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress ?? IPAddress.None, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    /// <summary>The middleware: problems for exceptions and bare status codes, rate limiting, the dashboard's files.</summary>
    public static WebApplication UseArbitrationApi(this WebApplication app)
    {
        // The dashboard loads only its own files and talks only to this API.
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    /// <summary>The endpoints: reads, filing, evidence, status, the OpenAPI document.</summary>
    public static WebApplication MapArbitrationApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapReadApi();
        app.MapFilingApi();
        app.MapEvidenceApi();
        app.MapStatusApi();
        return app;
    }
}

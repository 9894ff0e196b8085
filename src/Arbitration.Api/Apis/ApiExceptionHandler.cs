using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Arbitration.Api.Apis;

/// <summary>
/// Turns exceptions into problem details without stack traces: a malformed request (binding, JSON, limits) into its 4xx
/// problem, anything else into <c>internal-error</c> with the trace id, logged in full on the server.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (type, detail) = exception switch
        {
            BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status400BadRequest => (ProblemTypes.InvalidRequest, bad.Message),
            BadHttpRequestException bad => (ProblemTypes.ForStatus(bad.StatusCode), bad.Message),
            JsonException => (ProblemTypes.InvalidRequest, "the body is not the JSON this endpoint takes"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (ProblemTypes.BadRequest, "the client went away"),
            _ => (ProblemTypes.InternalError, "see the server's log for this trace id"),
        };
        if (type == ProblemTypes.InternalError)
        {
            logger.LogError(exception, "{Method} {Path} failed (trace {TraceId})", httpContext.Request.Method, httpContext.Request.Path, httpContext.TraceIdentifier);
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.StatusCode = type.Status;
        var details = Problem.Details(type, detail);
        details.Extensions["traceId"] = httpContext.TraceIdentifier;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = null });
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Arbitration.Api.Apis;

/// <summary>Problem details results with a stable <see cref="ProblemType"/>.</summary>
public static class Problem
{
    /// <summary>A problem of <paramref name="type"/> with a detail and extension members.</summary>
    public static IResult Of(ProblemType type, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        return TypedResults.Problem(Details(type, detail, extensions));
    }

    /// <summary>An invalid request naming each field and what is wrong with it.</summary>
    public static IResult Invalid(IDictionary<string, string[]> errors, string? detail = null)
    {
        var details = new HttpValidationProblemDetails(errors)
        {
            Type = ProblemTypes.InvalidRequest.Uri,
            Title = ProblemTypes.InvalidRequest.Title,
            Status = ProblemTypes.InvalidRequest.Status,
            Detail = detail ?? "One or more fields are invalid.",
        };
        return TypedResults.Problem(details);
    }

    /// <summary>An invalid request about one field.</summary>
    public static IResult Invalid(string field, string error) => Invalid(new Dictionary<string, string[]> { [field] = [error] });

    /// <summary>The problem details of <paramref name="type"/>.</summary>
    public static ProblemDetails Details(ProblemType type, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        var details = new ProblemDetails { Type = type.Uri, Title = type.Title, Status = type.Status, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            details.Extensions[key] = value;
        }

        return details;
    }
}

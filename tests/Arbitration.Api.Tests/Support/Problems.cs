using System.Net;
using System.Text.Json.Nodes;

namespace Arbitration.Api.Tests.Support;

/// <summary>Assertions on RFC 7807 answers.</summary>
internal static class Problems
{
    /// <summary>Asserts a problem of type <c>/problems/{slug}</c> with <paramref name="status"/>.</summary>
    public static void Assert(HttpStatusCode status, string slug, HttpStatusCode actualStatus, JsonObject body)
    {
        Xunit.Assert.True(actualStatus == status && body["type"]?.ToString() == "/problems/" + slug,
            $"expected {(int)status} /problems/{slug}, got {(int)actualStatus} {body.ToJsonString()}");
        Xunit.Assert.Equal((int)status, body["status"]!.GetValue<int>());
        Xunit.Assert.False(string.IsNullOrEmpty(body["title"]?.ToString()));
        Xunit.Assert.DoesNotContain("   at ", body.ToJsonString(), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Arbitration.Api.Tests.Support;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Filing;

/// <summary>ASP.NET Core rate limiting on filing: per client, answered as a problem with Retry-After.</summary>
[Collection(ChainCollection.Name)]
public sealed class RateLimitTests(RateLimitTests.LimitedApi api) : IClassFixture<RateLimitTests.LimitedApi>
{
    /// <summary>Three filing requests per client per minute.</summary>
    public sealed class LimitedApi : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string?> Overrides { get; } = new Dictionary<string, string?> { ["Api:FilingsPerMinute"] = "3" };
    }

    [Fact]
    public async Task File_MoreRequestsThanTheRateLimit_RateLimitedWithRetryAfter()
    {
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 5 && limited is null; i++)
        {
            var response = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Problems.Assert(HttpStatusCode.TooManyRequests, "rate-limited", limited.StatusCode, JsonNode.Parse(await limited.Content.ReadAsStringAsync())!.AsObject());
            Assert.True(limited.Headers.RetryAfter is not null);
        }

        // Reads are not limited.
        using var read = await api.Host.Http.GetAsync(new Uri("disputes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}

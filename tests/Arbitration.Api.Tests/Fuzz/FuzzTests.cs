using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Arbitration.Api.Tests.Support;
using CsCheck;
using Xunit.Abstractions;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Fuzz;

/// <summary>
/// 10,000 random and mutated requests (bodies from valid filings and bundles, headers, paths) over real HTTP: every
/// answer is below 500, every 4xx the API writes is a problem with a stable type, and the service stays healthy.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class FuzzTests(ApiFixture api, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private const int Requests = 10_000;

    [Fact]
    public async Task Fuzz_TenThousandHostileRequests_OnlyClientErrorsAndStillHealthy()
    {
        var scenario = api.Scenario;
        var (client, _, sessionId) = await api.OpenSyncedSessionAsync();
        var evidence = await Filings.PostEvidenceAsync(api.Host, sessionId);
        var filed = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderBreachedPolicy, evidence);
        Assert.Equal(HttpStatusCode.Created, (await Filings.PostAsync(api.Host, filed)).Status);
        var unfiled = await Filings.SignAsync(scenario, client, sessionId, ClaimType.ProviderOvercharged, evidence, nonce: 1);
        var bundle = new JsonObject
        {
            ["name"] = "n",
            ["description"] = "d",
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
            ["disputeId"] = "1",
            ["keyDisclosures"] = new JsonArray(new JsonObject { ["recipient"] = scenario.Oracles.Keys.First(), ["disclosure"] = "0x0104" + new string('a', 224) }),
        };

        var statuses = new ConcurrentDictionary<int, int>();
        var types = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var http = new HttpClient { BaseAddress = api.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        FuzzGenerators.Request([filed, unfiled], [bundle]).Sample(request =>
        {
            var (status, type) = SendAsync(http, request).GetAwaiter().GetResult();
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (type is not null)
            {
                types.AddOrUpdate(type, 1, (_, n) => n + 1);
            }

            if (status >= 500)
            {
                failures.Enqueue($"{status} for {request}");
            }

            return status < 500;
        }, iter: Requests, threads: 4);

        output.WriteLine("statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine("problem types: " + string.Join(", ", types.OrderByDescending(t => t.Value).Select(t => $"{t.Key}: {t.Value}")));
        Assert.Empty(failures);
        Assert.Equal(Requests, statuses.Values.Sum());
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 5, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(types.ContainsKey("/problems/invalid-request") && types.ContainsKey("/problems/not-found"), string.Join(", ", types.Keys));
        using var health = await api.Host.Http.GetAsync(new Uri("healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(sessionId, (await api.Host.GetJsonAsync($"sessions/{sessionId}"))["sessionId"]!.GetValue<ulong>());
    }

    // The status, and the problem type when the API wrote one; a 4xx from the API without a problem body is a failure.
    private static async Task<(int Status, string? Type)> SendAsync(HttpClient http, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(message);
        var status = (int)response.StatusCode;
        string? type = null;
        if (request.Method == "HEAD")
        {
            return (status, null);
        }

        if (status >= 400 && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            type = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["type"]?.ToString();
        }
        else if (status >= 400 && !(status is 400 or 414 or 431 or 505 && (await response.Content.ReadAsByteArrayAsync()).Length == 0))
        {
            // Every error the API itself answers is problem details. Kestrel refuses malformed HTTP (a NUL in the path,
            // oversized heads) itself, before any middleware, with an empty 400/414/431.
            throw new InvalidOperationException($"{status} without problem details ({response.Content.Headers.ContentType}): {await response.Content.ReadAsStringAsync()}");
        }

        return (status, type);
    }
}

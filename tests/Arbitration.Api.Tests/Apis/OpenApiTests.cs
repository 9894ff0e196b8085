using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Arbitration.Api.Tests.Support;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Apis;

/// <summary>The served OpenAPI document is generated from the endpoints and agrees with them, operation for operation.</summary>
[Collection(ChainCollection.Name)]
public sealed partial class OpenApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task OpenApiDocument_Served_ListsExactlyTheApiEndpoints()
    {
        var document = await api.Host.GetJsonAsync("openapi/v1.json");
        var documented = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .Order(StringComparer.Ordinal).ToList();

        var mapped = api.Host.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Template(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(mapped, documented);
        Assert.Contains("POST /disputes", documented);
        Assert.Contains("GET /disputes/{disputeId}", documented);
        Assert.Contains("GET /sessions/{sessionId}", documented);
    }

    [Fact]
    public async Task OpenApiDocument_EveryOperation_DeclaresItsAnswerAndProblems()
    {
        var document = await api.Host.GetJsonAsync("openapi/v1.json");
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                Assert.True(responses.Any(r => r.Key.StartsWith('2')), $"{method} {path} declares no success");
                foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
                {
                    Assert.True(response!["content"]?["application/problem+json"] is not null, $"{method} {path} {status} is not declared as problem details");
                }

                if (method == "post")
                {
                    Assert.True(operation["requestBody"]?["content"]?["application/json"]?["schema"] is not null, $"{method} {path} has no body schema");
                }
            }
        }

        Assert.NotNull(document["components"]!["schemas"]!["FilingRequest"]);
        Assert.NotNull(document["components"]!["schemas"]!["DisputeView"]);
    }

    [Fact]
    public async Task DocumentedReads_WithoutParameters_AnswerOk()
    {
        var document = await api.Host.GetJsonAsync("openapi/v1.json");
        foreach (var (path, item) in document["paths"]!.AsObject().Where(p => !p.Key.Contains('{') && p.Value!.AsObject().ContainsKey("get")))
        {
            if (path is "/events" or "/filings/template")
            {
                continue;
            }

            using var response = await api.Host.Http.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
        }
    }

    // "/sessions/{sessionId:long}" -> "/sessions/{sessionId}", as OpenAPI paths are written.
    private static string Template(string route) => "/" + Constraint().Replace(route.TrimStart('/'), "{$1}");

    [GeneratedRegex(@"\{([A-Za-z]+)(:[^}]*)?\}")]
    private static partial Regex Constraint();
}

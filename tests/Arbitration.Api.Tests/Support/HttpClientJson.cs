using System.Text.Json.Nodes;

namespace Arbitration.Api.Tests.Support;

/// <summary>Small JSON helpers on <see cref="HttpClient"/>.</summary>
internal static class HttpClientJson
{
    public static async Task<JsonArray> GetFromJsonAsyncArray(this HttpClient http, string path)
        => JsonNode.Parse(await http.GetStringAsync(new Uri(path, UriKind.Relative)))!.AsArray();
}

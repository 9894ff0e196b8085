using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Arbitration.Api.Tests.Fuzz;

/// <summary>
/// Generators of hostile requests: random and mutated bodies (from a corpus of valid filings and evidence bundles),
/// headers and paths (from the API's own routes, with valid, malformed, huge and unicode parameters).
/// </summary>
internal static class FuzzGenerators
{
    private static readonly string[] Routes =
    [
        "disputes", "disputes/{id}", "sessions", "sessions/{id}", "providers", "providers/{address}", "oracles", "oracles/{address}", "rates",
        "rates/{feed}/rounds", "stats/disputes", "evidence", "evidence/{hash}", "filings/template", "status", "problems", "problems/{slug}", "",
        "index.html", "app.js", "openapi/v1.json", "healthz", "metrics", "{junk}", "disputes/{id}/{junk}", "..%2F..%2Fetc%2Fpasswd", "evidence/../status",
    ];

    private static readonly string[] QueryKeys =
    [
        "limit", "after", "phase", "party", "juror", "claimType", "sessionId", "region", "maxPricePerMiB", "status", "provider", "client", "days", "rounds",
        "filer", "ruleId", "evidenceHash", "evidenceUri", "deadline", "x",
    ];

    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    // Mostly JSON, so most bodies get past the media type check to the field checks and the chain checks.
    private static readonly Gen<string> ContentTypes = Gen.Frequency(
        (12, Gen.Const("application/json")),
        (1, Gen.OneOfConst("application/json; charset=utf-8", "application/problem+json", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=utf-16", "garbage/garbage;;;", "")));

    /// <summary>Odd values for route and query parameters.</summary>
    public static readonly Gen<string> Value = Gen.OneOf(
        Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.ULong.Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Int[0, 50].Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Const("99999999999999999999999999999999999999999999"),
        Gen.Const("-1"), Gen.Const("0"), Gen.Const("1.5"), Gen.Const("1e309"), Gen.Const("NaN"), Gen.Const(""),
        Gen.Const("0x0000000000000000000000000000000000000001"), Gen.Const("0xZZ"), Gen.Const("0x" + new string('f', 64)),
        Gen.Const("vpn-eth"), Gen.Const("Commit"), Gen.Const("DE"), Gen.Const("any"), Gen.Const("ProviderOvercharged"),
        Gen.Const("%00"), Gen.Const("%FF%FE"), Gen.Const("'; DROP TABLE disputes; --"), Gen.Const("<script>alert(1)</script>"),
        Gen.Const("djE8MTI="), Gen.Const("djF8YWJjfGRlZg"),
        Gen.String[Gen.Char.AlphaNumeric, 0, 40].Select(Uri.EscapeDataString),
        Gen.String[0, 30].Select(Uri.EscapeDataString),
        Gen.Int[1000, 9000].Select(n => new string('9', n)));

    public static readonly Gen<string> Path =
        Gen.Select(Gen.OneOfConst(Routes), Value, Value, Gen.Int[0, 4], Gen.OneOfConst(QueryKeys).Array[4], Value.Array[4])
            .Select((route, a, b, queryCount, keys, values) =>
            {
                var path = route.Replace("{id}", a, StringComparison.Ordinal).Replace("{address}", a, StringComparison.Ordinal).Replace("{hash}", a, StringComparison.Ordinal)
                    .Replace("{feed}", b, StringComparison.Ordinal).Replace("{slug}", b, StringComparison.Ordinal).Replace("{junk}", b, StringComparison.Ordinal);
                var query = string.Join('&', Enumerable.Range(0, queryCount).Select(i => $"{keys[i]}={values[i]}"));
                return query.Length == 0 ? path : path + "?" + query;
            });

    /// <summary>A JSON value of any kind, some of them hostile.</summary>
    public static readonly Gen<JsonNode?> JsonValue = Gen.OneOf(
        Gen.Const((JsonNode?)null),
        Gen.Bool.Select(b => (JsonNode?)b),
        Gen.Long.Select(n => (JsonNode?)n),
        Gen.Double.Select(d => (JsonNode?)(double.IsFinite(d) ? d : 0)),
        Value.Select(s => (JsonNode?)s),
        Gen.String[0, 200].Select(s => (JsonNode?)s),
        Gen.Const<JsonNode?>("0x" + new string('a', 130)),
        Gen.Const<JsonNode?>(new string('x', 100_000)),
        Gen.Int[0, 100].Select(n => (JsonNode?)new JsonArray(Enumerable.Range(0, n).Select(i => (JsonNode?)i).ToArray())),
        Gen.Const<JsonNode?>(new JsonObject { ["a"] = new JsonObject { ["b"] = new JsonArray() } }));

    /// <summary>A body: a valid one mutated, or random bytes, or hostile JSON shapes.</summary>
    public static Gen<byte[]> Body(IReadOnlyList<JsonObject> corpus) => Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[1, 4], Gen.Int[0, int.MaxValue], JsonValue.Array[4], Gen.String[Gen.Char.AlphaNumeric, 1, 12].Array[4])
            .Select((index, count, seed, values, names) => Mutate(corpus[index], count, seed, values, names))),
        (1, Gen.Byte.Array[0, 2000]),
        (1, Gen.Int[1, 2000].Select(depth => Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth)))),
        (1, Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[1, 400]).Select((i, cut) =>
        {
            var bytes = Encoding.UTF8.GetBytes(corpus[i].ToJsonString());
            return bytes[..Math.Min(cut, bytes.Length)];
        })),
        (1, Gen.Select(Gen.Int[0, corpus.Count - 1], Gen.Int[0, int.MaxValue], Gen.Bool).Select((i, seed, raw) => Corrupt(corpus[i], seed, raw))),
        (1, Gen.OneOfConst("null", "true", "1", "\"x\"", "[]", "{}", "{\"filer\":1,\"filer\":2}", "\uFEFF{}", "{\"a\":\"\\ud800\"}").Select(Encoding.UTF8.GetBytes)));

    public static Gen<FuzzRequest> Request(IReadOnlyList<JsonObject> filings, IReadOnlyList<JsonObject> bundles) => Gen.Frequency(
        (5, Gen.Select(Gen.OneOfConst(Methods), Path, Headers).Select((method, path, headers) =>
            new FuzzRequest(method, path.StartsWith("events", StringComparison.Ordinal) ? "status" : path, null, null, headers))),
        (4, Gen.Select(Body(filings), ContentTypes, Headers, Gen.Int[0, 9]).Select((body, type, headers, p) =>
            new FuzzRequest("POST", p == 0 ? "disputes?x=1" : "disputes", type.Length == 0 ? null : type, body, headers))),
        (3, Gen.Select(Body(bundles), ContentTypes, Headers).Select((body, type, headers) =>
            new FuzzRequest("POST", "evidence", type.Length == 0 ? null : type, body, headers))),
        (1, Gen.Select(Body(filings), Gen.OneOfConst("PUT", "PATCH", "DELETE"), Gen.OneOfConst(Routes)).Select((body, method, route) =>
            new FuzzRequest(method, route.Replace("{id}", "1", StringComparison.Ordinal), "application/json", body, []))));

    private static readonly Gen<IReadOnlyList<(string, string)>> Headers = Gen.Int[0, 3].SelectMany(n => Gen.Select(
            Gen.OneOfConst("Accept", "If-None-Match", "X-Forwarded-For", "Accept-Language", "Origin", "Cookie", "X-Junk", "Range", "Accept-Encoding"),
            Gen.OneOf(Value, Gen.String[Gen.Char.AlphaNumeric, 0, 60], Gen.Int[1, 8000].Select(k => new string('h', k)), Gen.Const("*"), Gen.Const("\"abc\", W/\"x\"")))
        .Array[n].Select(pairs => (IReadOnlyList<(string, string)>)pairs));

    // Deletes members, replaces values with others of any type, adds unknown members, at any depth.
    private static byte[] Mutate(JsonObject valid, int count, int seed, JsonNode?[] values, string[] names)
    {
        var json = valid.DeepClone().AsObject();
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var target = PickObject(json, random);
            var keys = target.Select(p => p.Key).ToList();
            switch (random.Next(4))
            {
                case 0 when keys.Count > 0:
                    target.Remove(keys[random.Next(keys.Count)]);
                    break;
                case 1 when keys.Count > 0:
                    target[keys[random.Next(keys.Count)]] = values[i]?.DeepClone();
                    break;
                case 2:
                    target[names[i]] = values[i]?.DeepClone();
                    break;
                default:
                    if (keys.Count > 0 && target[keys[random.Next(keys.Count)]] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 2)
                    {
                        // Flip one character of a string (a signature, a hash, an address).
                        var chars = s.ToCharArray();
                        chars[random.Next(2, chars.Length)] = "0123456789abcdefXYZ"[random.Next(19)];
                        target[keys.First(k => target[k] == v)] = new string(chars);
                    }

                    break;
            }
        }

        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }

    // Puts text that only fails when decoded (raw bytes that are not UTF-8, or an escaped lone surrogate) at the start of
    // one string value of a valid body: the member is known, so the API reads it.
    private static byte[] Corrupt(JsonObject valid, int seed, bool raw)
    {
        var bytes = Encoding.UTF8.GetBytes(valid.ToJsonString());
        var starts = new List<int>();
        for (var i = 0; i + 2 < bytes.Length; i++)
        {
            if (bytes[i] == ':' && bytes[i + 1] == '"')
            {
                starts.Add(i + 2);
            }
        }

        if (starts.Count == 0)
        {
            return bytes;
        }

        var at = starts[new Random(seed).Next(starts.Count)];
        byte[] insert = raw ? [0xFF, 0xFE] : "\\ud800"u8.ToArray();
        return [.. bytes[..at], .. insert, .. bytes[at..]];
    }

    private static JsonObject PickObject(JsonObject root, Random random)
    {
        var objects = new List<JsonObject> { root };
        foreach (var (_, node) in root)
        {
            if (node is JsonObject child)
            {
                objects.Add(child);
            }
        }

        return objects[random.Next(objects.Count)];
    }
}

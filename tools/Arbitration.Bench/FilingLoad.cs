using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;

namespace Arbitration.Bench;

/// <summary>Signed filings (each with its permit) from distinct clients, posted concurrently: each relayed and mined.</summary>
internal static class FilingLoad
{
    public static async Task<JsonObject> SignAsync(HttpClient http, DeploymentManifest manifest, ulong chainId, EthECKey client, ulong sessionId, ulong deadline)
    {
        var bundle = $"{{\"name\":\"bench\",\"description\":\"session {sessionId}\",\"sessionId\":\"{sessionId}\"}}";
        using var posted = await http.PostAsync(new Uri("evidence", UriKind.Relative), new StringContent(bundle, Encoding.UTF8, "application/json"));
        var evidence = JsonNode.Parse(await posted.Content.ReadAsStringAsync())!;
        var filing = new Filing
        {
            SessionId = sessionId,
            ClaimType = 2,
            RuleId = 7,
            EvidenceHash = evidence["hash"]!.ToString().HexToByteArray(),
            EvidenceUri = evidence["uri"]!.ToString(),
            Nonce = 0,
            Deadline = deadline,
        };
        var cost = 80 * BenchChain.Token;
        var permit = new Permit
        {
            Owner = client.GetPublicAddress(),
            Spender = manifest.AddressOf(ContractNames.DisputeManager),
            Value = cost,
            Nonce = 0,
            Deadline = deadline,
        };
        return new JsonObject
        {
            ["filer"] = client.GetPublicAddress(),
            ["filing"] = new JsonObject
            {
                ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
                ["claimType"] = "ProviderBreachedPolicy",
                ["ruleId"] = 7,
                ["evidenceHash"] = filing.EvidenceHash.ToHex(true),
                ["evidenceUri"] = filing.EvidenceUri,
                ["nonce"] = "0",
                ["deadline"] = deadline,
            },
            ["signature"] = TypedDataSigner.Sign(filing, TypedDataDomain.DisputeManager(chainId, manifest.AddressOf(ContractNames.DisputeManager)), client),
            ["permit"] = new JsonObject
            {
                ["value"] = cost.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = deadline,
                ["signature"] = TypedDataSigner.Sign(permit, TypedDataDomain.VpnToken(chainId, manifest.AddressOf(ContractNames.VpnToken)), client),
            },
        };
    }

    /// <summary>Posts every filing, <paramref name="concurrency"/> at a time; returns filings per second and how many were filed.</summary>
    public static async Task<(double PerSecond, int Filed, double P50Ms)> RunAsync(HttpClient http, IReadOnlyList<JsonObject> filings, int concurrency)
    {
        var filed = 0;
        var latencies = new List<double>();
        using var gate = new SemaphoreSlim(concurrency);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(filings.Select(async body =>
        {
            await gate.WaitAsync();
            try
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref filed);
                }
                else
                {
                    Console.Error.WriteLine($"filing refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var stats = LatencyStats.From(latencies, 0, watch.Elapsed.TotalSeconds);
        return (filed / watch.Elapsed.TotalSeconds, filed, stats.P50Ms);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;

namespace Arbitration.Api.Tests.Support;

/// <summary>What a party does to file through the API: post evidence, sign a Filing (and a permit), post it.</summary>
internal static class Filings
{
    /// <summary>Posts an evidence bundle about <paramref name="sessionId"/>; returns its hash and URI.</summary>
    public static async Task<(string Hash, string Uri)> PostEvidenceAsync(ApiHost host, ulong sessionId, string description = "the provider's gateway let SMB through")
    {
        var bundle = new JsonObject
        {
            ["name"] = "Denied flows carried",
            ["description"] = description + " " + Guid.NewGuid().ToString("N"),
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
        };
        using var response = await host.Http.PostAsync(new Uri("evidence", UriKind.Relative), new StringContent(bundle.ToJsonString(), Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return (body["hash"]!.ToString(), body["uri"]!.ToString());
    }

    /// <summary>A signed filing body as <c>sign-filing</c> would make it, with every field open to a test's changes.</summary>
    public static async Task<JsonObject> SignAsync(ChainScenario scenario, Actor filer, ulong sessionId, ClaimType claim, (string Hash, string Uri) evidence,
        BigInteger? nonce = null, ulong? deadline = null, bool permit = true, EthECKey? signWith = null, uint ruleId = 7, byte committee = 3, BigInteger? permitValue = null, TypedDataDomain? domain = null)
    {
        var now = await scenario.Chain.LatestTimestampAsync();
        var filing = new Oracle.Core.Eip712.Filing
        {
            SessionId = sessionId,
            ClaimType = (byte)claim,
            RuleId = ruleId,
            EvidenceHash = evidence.Hash.HexToByteArray(),
            EvidenceUri = evidence.Uri,
            Nonce = nonce ?? await filer.Disputes.NoncesQueryAsync(filer.Address),
            Deadline = deadline ?? now + 3600,
        };
        domain ??= TypedDataDomain.DisputeManager(scenario.Chain.ChainId, scenario.AddressOf(ContractNames.DisputeManager));
        var body = new JsonObject
        {
            ["filer"] = filer.Address,
            ["filing"] = new JsonObject
            {
                ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
                ["claimType"] = claim.ToString(),
                ["ruleId"] = ruleId,
                ["evidenceHash"] = evidence.Hash,
                ["evidenceUri"] = evidence.Uri,
                ["nonce"] = filing.Nonce.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = filing.Deadline,
            },
            ["signature"] = TypedDataSigner.Sign(filing, domain, signWith ?? filer.Key),
        };
        if (permit)
        {
            var token = scenario.AddressOf(ContractNames.VpnToken);
            var message = new Permit
            {
                Owner = filer.Address,
                Spender = scenario.AddressOf(ContractNames.DisputeManager),
                Value = permitValue ?? scenario.Cost(committee),
                Nonce = await filer.Token.NoncesQueryAsync(filer.Address),
                Deadline = now + 3600,
            };
            body["permit"] = new JsonObject
            {
                ["value"] = message.Value.ToString(CultureInfo.InvariantCulture),
                ["deadline"] = message.Deadline.ToString(CultureInfo.InvariantCulture),
                ["signature"] = TypedDataSigner.Sign(message, TypedDataDomain.VpnToken(scenario.Chain.ChainId, token), filer.Key),
            };
        }

        return body;
    }

    /// <summary>POSTs a filing body; returns the status and the parsed answer.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(ApiHost host, JsonObject body)
    {
        using var response = await host.Http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }
}

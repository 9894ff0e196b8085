using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Arbitration.Api.Tests.Support;
using Nethereum.Util;
using Oracle.Chain.Model;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Evidence;

/// <summary>Evidence bundles: stored byte for byte under their hash, size-limited, and key disclosures only to a drawn committee.</summary>
[Collection(ChainCollection.Name)]
public sealed class EvidenceTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string json)
    {
        using var response = await api.Host.Http.PostAsync(new Uri("evidence", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    // A disclosure in the format's shape: version 1, an uncompressed ephemeral key, the encrypted key and its tag.
    private static string Disclosure() => "0x0104" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(112));

    private async Task<(ulong SessionId, ulong DisputeId, Oracle.Chain.Contracts.Dispute Record, Actor Client)> DisputeAsync()
    {
        var provider = await api.Scenario.NewProviderAsync();
        var client = await api.Scenario.NewActorAsync(vpn: 500);
        var (sessionId, terms) = await api.Scenario.OpenSessionAsync(client, provider);
        var (disputeId, record) = await api.Scenario.FileDirectlyAsync(client, sessionId, terms, ClaimType.ProviderBreachedPolicy);
        await api.SyncAsync();
        return (sessionId, disputeId, record, client);
    }

    [Fact]
    public async Task PostEvidence_ThenGet_TheSameBytesUnderTheirKeccakHash()
    {
        var (sessionId, _, _, _) = await DisputeAsync();
        var json = $"{{\"name\":\"Port 445 reached\",\"description\":\"records 3 and 4 show SMB to 198.18.0.5\",\"fileURI\":\"/ipfs/Qm1\",\"sessionId\":\"{sessionId}\"}}";

        var (status, posted) = await PostAsync(json);
        var again = await PostAsync(json);
        using var fetched = await api.Host.Http.GetAsync(new Uri("evidence/" + posted["hash"], UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        var expected = "0x" + Convert.ToHexStringLower(Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(expected, posted["hash"]!.ToString());
        Assert.Equal(new Uri(api.Host.BaseAddress, "evidence/" + expected).ToString(), posted["uri"]!.ToString());
        Assert.Equal(json, await fetched.Content.ReadAsStringAsync());
        Assert.Equal("\"" + expected + "\"", fetched.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task PostEvidence_DisclosuresBeforeTheDraw_CommitteeNotDrawn()
    {
        var (sessionId, disputeId, _, _) = await DisputeAsync();
        var json = new JsonObject
        {
            ["name"] = "key",
            ["description"] = "the session's evidence key for the committee",
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
            ["disputeId"] = disputeId.ToString(CultureInfo.InvariantCulture),
            ["keyDisclosures"] = new JsonArray(new JsonObject { ["recipient"] = api.Scenario.Oracles.Keys.First(), ["disclosure"] = Disclosure() }),
        };
        var (status, body) = await PostAsync(json.ToJsonString());
        Problems.Assert(HttpStatusCode.Conflict, "committee-not-drawn", status, body);
    }

    [Fact]
    public async Task PostEvidence_DisclosuresToTheCommittee_StoredAndListedOnTheDispute()
    {
        var (sessionId, disputeId, record, client) = await DisputeAsync();
        var drawn = await api.Scenario.DrawAsync(client, disputeId, record);
        await api.SyncAsync();
        var members = drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var outsider = api.Scenario.Oracles.Keys.First(o => !members.Contains(o, StringComparer.OrdinalIgnoreCase));
        JsonObject Bundle(IEnumerable<string> recipients) => new()
        {
            ["name"] = "key",
            ["description"] = "the session's evidence key for the committee " + Guid.NewGuid(),
            ["sessionId"] = sessionId.ToString(CultureInfo.InvariantCulture),
            ["disputeId"] = disputeId.ToString(CultureInfo.InvariantCulture),
            ["keyDisclosures"] = new JsonArray(recipients.Select(r => (JsonNode)new JsonObject { ["recipient"] = r, ["disclosure"] = Disclosure() }).ToArray()),
        };

        var refused = await PostAsync(Bundle([.. members, outsider]).ToJsonString());
        var (status, posted) = await PostAsync(Bundle(members).ToJsonString());

        Problems.Assert(HttpStatusCode.UnprocessableEntity, "not-committee-member", refused.Status, refused.Body);
        Assert.Equal(HttpStatusCode.Created, status);
        var dispute = await api.Host.GetJsonAsync($"disputes/{disputeId}");
        Assert.Contains(dispute["evidence"]!.AsArray(), e => e!["hash"]!.ToString() == posted["hash"]!.ToString() && e["source"]!.ToString() == "posted");
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"description\":\"y\",\"sessionId\":\"1\",\"keyDisclosures\":[{\"recipient\":\"0x0000000000000000000000000000000000000001\",\"disclosure\":\"0x01\"}]}")]
    [InlineData("{\"name\":\"x\",\"description\":\"y\"}")]
    [InlineData("{\"name\":\"x\",\"description\":\"y\",\"sessionId\":\"1\",\"extra\":1}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"name\":\"\",\"description\":\"y\",\"sessionId\":\"-1\"}")]
    public async Task PostEvidence_Malformed_InvalidRequest(string json)
    {
        var (status, body) = await PostAsync(json);
        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", status, body);
    }

    [Fact]
    public async Task PostEvidence_UnknownSession_UnknownSession()
    {
        var (status, body) = await PostAsync("{\"name\":\"x\",\"description\":\"y\",\"sessionId\":\"123456789\"}");
        Problems.Assert(HttpStatusCode.NotFound, "unknown-session", status, body);
    }

    [Fact]
    public async Task PostEvidence_OverTheLimit_PayloadTooLarge()
    {
        var (status, body) = await PostAsync("{\"name\":\"x\",\"description\":\"" + new string('y', 70_000) + "\",\"sessionId\":\"1\"}");
        Problems.Assert(HttpStatusCode.RequestEntityTooLarge, "payload-too-large", status, body);
    }
}

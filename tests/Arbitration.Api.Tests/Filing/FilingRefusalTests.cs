using System.Globalization;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Arbitration.Api.Tests.Support;
using Nethereum.Signer;
using Oracle.Chain.Contracts;
using Oracle.Chain.Deployment;
using Oracle.Chain.Model;
using TypedDataDomain = Oracle.Core.Eip712.TypedDataDomain;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Filing;

/// <summary>Every cause of a refused filing has its own problem type, and nothing is filed.</summary>
[Collection(ChainCollection.Name)]
public sealed class FilingRefusalTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task<(Actor Client, Actor Provider, ulong SessionId, Session Terms, (string Hash, string Uri) Evidence)> SessionAsync(long clientVpn = 500)
    {
        var provider = await api.Scenario.NewProviderAsync();
        var client = await api.Scenario.NewActorAsync(vpn: clientVpn);
        var (sessionId, terms) = await api.Scenario.OpenSessionAsync(client, provider);
        await api.SyncAsync();
        return (client, provider, sessionId, terms, await Filings.PostEvidenceAsync(api.Host, sessionId));
    }

    private async Task RefusedAsync(JsonObject body, HttpStatusCode status, string slug)
    {
        var next = await api.Scenario.Oracles.Values.First().Disputes.NextDisputeIdQueryAsync();
        var (actual, answer) = await Filings.PostAsync(api.Host, body);
        Problems.Assert(status, slug, actual, answer);
        Assert.Equal(next, await api.Scenario.Oracles.Values.First().Disputes.NextDisputeIdQueryAsync());
    }

    [Fact]
    public async Task File_SignedByAnotherKey_ForgedSignature()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, signWith: EthECKey.GenerateKey());
        await RefusedAsync(body, HttpStatusCode.BadRequest, "forged-signature");
    }

    [Fact]
    public async Task File_FieldChangedAfterSigning_ForgedSignature()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        body["filing"]!["ruleId"] = 8;
        await RefusedAsync(body, HttpStatusCode.BadRequest, "forged-signature");
    }

    [Fact]
    public async Task File_DeadlinePassed_ExpiredSignature()
    {
        var s = await SessionAsync();
        var now = await api.Scenario.Chain.LatestTimestampAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, deadline: now - 1);
        await RefusedAsync(body, HttpStatusCode.BadRequest, "expired-signature");
    }

    [Fact]
    public async Task File_StrangerSigns_NonPartySigner()
    {
        var s = await SessionAsync();
        var stranger = await api.Scenario.NewActorAsync(vpn: 200);
        var body = await Filings.SignAsync(api.Scenario, stranger, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        await RefusedAsync(body, HttpStatusCode.Forbidden, "non-party-signer");
    }

    [Fact]
    public async Task File_ProviderFilesAClaimAgainstItself_NonPartySigner()
    {
        var s = await SessionAsync();
        await api.Scenario.Test.BuyAsync(s.Provider, Vpn.Tokens(200));
        var body = await Filings.SignAsync(api.Scenario, s.Provider, s.SessionId, ClaimType.ProviderOvercharged, s.Evidence);
        await RefusedAsync(body, HttpStatusCode.Forbidden, "non-party-signer");
    }

    [Fact]
    public async Task File_SessionNeverOpened_UnknownSession()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, 9_999_999, ClaimType.ProviderBreachedPolicy, s.Evidence);
        await RefusedAsync(body, HttpStatusCode.NotFound, "unknown-session");
    }

    [Fact]
    public async Task File_NonceAlreadyUsed_ReplayedNonce()
    {
        var s = await SessionAsync();
        var first = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        Assert.Equal(HttpStatusCode.Created, (await Filings.PostAsync(api.Host, first)).Status);
        var other = await Filings.PostEvidenceAsync(api.Host, s.SessionId, "a second claim");

        var replay = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderOvercharged, other, nonce: 0);

        await RefusedAsync(replay, HttpStatusCode.Conflict, "replayed-nonce");
    }

    [Fact]
    public async Task File_NonceAhead_NonceNotCurrent()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, nonce: 5);
        await RefusedAsync(body, HttpStatusCode.Conflict, "nonce-not-current");
    }

    [Fact]
    public async Task File_ClaimAgainstTheClientOfAClosedSession_DisputeWindowClosed()
    {
        var s = await SessionAsync();
        await api.Scenario.Test.BuyAsync(s.Provider, Vpn.Tokens(200));
        await s.Provider.Sessions.CloseSessionAsync(s.SessionId, s.Terms, new Voucher { SessionId = s.SessionId, LogRoot = new byte[32] }, []);
        var body = await Filings.SignAsync(api.Scenario, s.Provider, s.SessionId, ClaimType.ClientBreachedPolicy, s.Evidence);
        await RefusedAsync(body, HttpStatusCode.Conflict, "dispute-window-closed");
    }

    [Fact]
    public async Task File_ClaimAgainstTheProviderAfterTheWindow_DisputeWindowClosed()
    {
        var s = await SessionAsync();
        await s.Provider.Sessions.CloseSessionAsync(s.SessionId, s.Terms, new Voucher { SessionId = s.SessionId, LogRoot = new byte[32] }, []);
        await api.Scenario.Chain.IncreaseTimeAsync(api.Scenario.Parameters.DisputeWindow + TimeSpan.FromHours(1));
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, deadline: await api.Scenario.Chain.LatestTimestampAsync() + 3600);
        await RefusedAsync(body, HttpStatusCode.Conflict, "dispute-window-closed");
    }

    [Fact]
    public async Task File_EvidenceUriElsewhere_EvidenceMismatch()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, (s.Evidence.Hash, "https://elsewhere.example/evidence/" + s.Evidence.Hash));
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "evidence-mismatch");
    }

    [Fact]
    public async Task File_EvidenceNeverPosted_EvidenceMismatch()
    {
        var s = await SessionAsync();
        var hash = "0x" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("never posted")));
        var uri = new Uri(api.Host.BaseAddress, "evidence/" + hash).ToString();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, (hash, uri));
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "evidence-mismatch");
    }

    [Fact]
    public async Task File_NoPermitAndNoAllowance_InsufficientFunds()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, permit: false);
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
    }

    [Fact]
    public async Task File_FilerHoldsTooFewTokens_InsufficientFunds()
    {
        var s = await SessionAsync(clientVpn: 101);
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "insufficient-funds");
    }

    [Fact]
    public async Task File_PermitBelowTheCost_PermitInvalid()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, permitValue: 1);
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "permit-invalid");
    }

    [Fact]
    public async Task File_PermitSignatureTampered_PermitInvalid()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        body["permit"]!["value"] = (api.Scenario.Cost(3) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await RefusedAsync(body, HttpStatusCode.UnprocessableEntity, "permit-invalid");
    }

    [Fact]
    public async Task File_MalformedFields_InvalidRequestNamingEachField()
    {
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        body["filing"]!["sessionId"] = "twelve";
        body["filing"]!["claimType"] = "Overcharged";
        body["signature"] = "0x1234";
        body["surprise"] = true;

        var (status, answer) = await Filings.PostAsync(api.Host, body);

        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", status, answer);
        var errors = answer["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("filing.sessionId") && errors.ContainsKey("filing.claimType") && errors.ContainsKey("signature") && errors.ContainsKey("surprise"),
            answer.ToJsonString());
    }

    [Fact]
    public async Task File_BodyOverTheLimit_PayloadTooLarge()
    {
        using var response = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative),
            new StringContent("{\"filer\":\"" + new string('a', 70_000) + "\"}", Encoding.UTF8, "application/json"));
        Problems.Assert(HttpStatusCode.RequestEntityTooLarge, "payload-too-large", response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task File_NotJson_UnsupportedMediaTypeOrInvalidRequest()
    {
        using var text = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent("filer=0x1", Encoding.UTF8, "text/plain"));
        Problems.Assert(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type", text.StatusCode, JsonNode.Parse(await text.Content.ReadAsStringAsync())!.AsObject());
        using var broken = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent("{\"filer\":", Encoding.UTF8, "application/json"));
        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", broken.StatusCode, JsonNode.Parse(await broken.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task File_SignedForAnotherChain_ForgedSignature()
    {
        var s = await SessionAsync();
        var otherChain = TypedDataDomain.DisputeManager(api.Scenario.Chain.ChainId + 1, api.Scenario.AddressOf(ContractNames.DisputeManager));
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, domain: otherChain);
        await RefusedAsync(body, HttpStatusCode.BadRequest, "forged-signature");
    }

    [Fact]
    public async Task File_SignedForAnotherContract_ForgedSignature()
    {
        var s = await SessionAsync();
        var otherContract = TypedDataDomain.DisputeManager(api.Scenario.Chain.ChainId, api.Scenario.AddressOf(ContractNames.SessionManager));
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence, domain: otherContract);
        await RefusedAsync(body, HttpStatusCode.BadRequest, "forged-signature");
    }

    [Fact]
    public async Task File_MalleatedSignature_ForgedSignature()
    {
        // (r, n - s, v flipped) recovers to the same key; only the low-s form is accepted (as by OpenZeppelin's ECDSA).
        var s = await SessionAsync();
        var body = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        var signature = Convert.FromHexString(body["signature"]!.ToString()[2..]);
        var order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var high = order - new BigInteger(signature.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        high.ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(signature.AsSpan(32, 32));
        signature[64] = (byte)(signature[64] == 27 ? 28 : 27);
        body["signature"] = "0x" + Convert.ToHexStringLower(signature);
        await RefusedAsync(body, HttpStatusCode.BadRequest, "forged-signature");
    }

    [Fact]
    public async Task File_MemberGivenTwice_InvalidRequest()
    {
        // A second "ruleId" after the signed one: parsers differ on which counts, so the body is refused outright.
        var s = await SessionAsync();
        var text = (await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence)).ToJsonString()
            .Replace("\"ruleId\":7", "\"ruleId\":7,\"ruleId\":8", StringComparison.Ordinal);
        using var response = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative), new StringContent(text, Encoding.UTF8, "application/json"));
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", response.StatusCode, answer);
        Assert.True(answer["errors"]!.AsObject().ContainsKey("filing.ruleId"), answer.ToJsonString());
    }

    [Fact]
    public async Task File_TwoDifferentFilingsWithOneNonce_OneFiledTheOtherRefused()
    {
        var s = await SessionAsync();
        var first = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderBreachedPolicy, s.Evidence);
        var second = await Filings.SignAsync(api.Scenario, s.Client, s.SessionId, ClaimType.ProviderOvercharged, s.Evidence);
        var next = await s.Client.Disputes.NextDisputeIdQueryAsync();

        var answers = await Task.WhenAll(Filings.PostAsync(api.Host, first), Filings.PostAsync(api.Host, second));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        var refused = Assert.Single(answers, a => a.Status != HttpStatusCode.Created);
        Assert.Contains(refused.Body["type"]!.ToString().Split('/')[^1], new[] { "replayed-nonce", "relayer-unavailable" });
        Assert.Equal(next + 1, await s.Client.Disputes.NextDisputeIdQueryAsync());
    }

    [Theory]
    [InlineData("7B2266696C6572223A22FFFE227D")]       // {"filer":"<0xFF 0xFE>"}: not UTF-8
    [InlineData("7B2266696C6572223A225C7564383030227D")] // {"filer":"\ud800"}: an escaped lone surrogate
    public async Task File_InvalidUtf8OrLoneSurrogate_InvalidRequest(string hex)
    {
        // Both parse as JSON; the text only fails when decoded: refused as a whole, never a server error.
        using var content = new ByteArrayContent(Convert.FromHexString(hex));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await api.Host.Http.PostAsync(new Uri("disputes", UriKind.Relative), content);
        Problems.Assert(HttpStatusCode.BadRequest, "invalid-request", response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}

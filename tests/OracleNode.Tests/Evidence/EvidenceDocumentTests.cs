using System.Text;
using OracleNode.Evidence;

namespace OracleNode.Tests.Evidence;

public sealed class EvidenceDocumentTests
{
    private const string Manager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    [Fact]
    public void TryParse_FullDocument_Fields()
    {
        var json = $$$"""
            {"name": "x", "oracle": {"version": 1, "chainId": 31337, "sessionManager": "{{{Manager}}}", "sessionId": "42",
             "policy": {"version": 1, "defaultAction": "allow", "rules": []}, "records": [3, 1],
             "disclosures": [{"recipient": "0x00000000000000000000000000000000000000Aa", "key": "AQID"}]}}
            """;

        Assert.True(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out var document, out var error), error);
        Assert.Equal(31337UL, document!.ChainId);
        Assert.Equal(Manager.ToLowerInvariant(), document.SessionManager);
        Assert.Equal(42UL, document.SessionId);
        Assert.Equal([3UL, 1UL], document.Records);
        Assert.Contains("defaultAction", document.PolicyJson, StringComparison.Ordinal);
        var disclosure = Assert.Single(document.Disclosures);
        Assert.Equal("0x00000000000000000000000000000000000000aa", disclosure.Recipient);
        Assert.Equal([1, 2, 3], disclosure.Sealed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"name\": \"no oracle part\"}")]
    [InlineData("{\"oracle\": {\"version\": 2, \"chainId\": 1, \"sessionManager\": \"" + Manager + "\", \"sessionId\": 1}}")]
    [InlineData("{\"oracle\": {\"version\": 1, \"chainId\": 1, \"sessionManager\": \"nope\", \"sessionId\": 1}}")]
    [InlineData("{\"oracle\": {\"version\": 1, \"chainId\": 1, \"sessionManager\": \"" + Manager + "\", \"sessionId\": 1, \"records\": [-1]}}")]
    [InlineData("{\"oracle\": {\"version\": 1, \"chainId\": 1, \"sessionManager\": \"" + Manager + "\", \"sessionId\": 1, \"policy\": 5}}")]
    [InlineData("{\"oracle\": {\"version\": 1, \"chainId\": 1, \"sessionManager\": \"" + Manager + "\", \"sessionId\": 1, \"disclosures\": [{\"recipient\": \"x\"}]}}")]
    public void TryParse_Malformed_RefusedWithReason(string json)
    {
        Assert.False(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_TooManyRecords_Refused()
    {
        var records = string.Join(',', Enumerable.Range(0, EvidenceDocument.MaxRecords + 1));
        var json = $$$"""{"oracle": {"version": 1, "chainId": 1, "sessionManager": "{{{Manager}}}", "sessionId": 1, "records": [{{{records}}}]}}""";

        Assert.False(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out _, out _));
    }
}

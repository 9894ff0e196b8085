using System.Text;
using OracleNode.Evidence;

namespace OracleNode.Tests.Evidence;

public sealed class EvidenceDocumentTests
{
    [Fact]
    public void TryParse_FullDocument_Fields()
    {
        var json = """
            {"name": "x", "description": "y", "fileURI": "ipfs://z", "sessionId": "42", "disputeId": 7,
             "policy": {"version": 1, "defaultAction": "allow", "rules": []}, "records": [3, 1],
             "keyDisclosures": [{"recipient": "0x00000000000000000000000000000000000000Aa", "disclosure": "0x010203"}]}
            """;

        Assert.True(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out var document, out var error), error);
        Assert.Equal(42UL, document!.SessionId);
        Assert.Equal(7UL, document.DisputeId);
        Assert.Equal([3UL, 1UL], document.Records);
        Assert.Contains("defaultAction", document.PolicyJson, StringComparison.Ordinal);
        var disclosure = Assert.Single(document.Disclosures);
        Assert.Equal("0x00000000000000000000000000000000000000aa", disclosure.Recipient);
        Assert.Equal([1, 2, 3], disclosure.Sealed);
    }

    [Fact]
    public void TryParse_OnlyTheSession_NoRecordsPolicyOrKeys()
    {
        Assert.True(EvidenceDocument.TryParse("{\"sessionId\": 5, \"somethingNew\": true}"u8.ToArray(), out var document, out var error), error);
        Assert.Null(document!.DisputeId);
        Assert.Null(document.PolicyJson);
        Assert.Empty(document.Records);
        Assert.Empty(document.Disclosures);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"name\": \"no session\"}")]
    [InlineData("{\"sessionId\": \"-1\"}")]
    [InlineData("{\"sessionId\": 1, \"disputeId\": \"x\"}")]
    [InlineData("{\"sessionId\": 1, \"records\": [-1]}")]
    [InlineData("{\"sessionId\": 1, \"policy\": 5}")]
    [InlineData("{\"sessionId\": 1, \"keyDisclosures\": [{\"recipient\": \"x\", \"disclosure\": \"0x01\"}]}")]
    [InlineData("{\"sessionId\": 1, \"keyDisclosures\": [{\"recipient\": \"0x00000000000000000000000000000000000000Aa\", \"disclosure\": \"AQID\"}]}")]
    public void TryParse_Malformed_RefusedWithReason(string json)
    {
        Assert.False(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_TooManyRecords_Refused()
    {
        var records = string.Join(',', Enumerable.Range(0, EvidenceDocument.MaxRecords + 1));
        var json = "{\"sessionId\": 1, \"records\": [" + records + "]}";

        Assert.False(EvidenceDocument.TryParse(Encoding.UTF8.GetBytes(json), out _, out _));
    }
}

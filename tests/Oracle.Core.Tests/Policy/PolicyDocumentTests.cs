using System.Text;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class PolicyDocumentTests
{
    private const string Sample = """
        {
          // operators may comment their files
          "version": 1,
          "defaultAction": "allow",
          "description": "exit with a shared LAN",
          "exports": ["198.18.10.0/24"],
          "rules": [
            { "id": 7, "action": "deny", "protocol": "tcp", "ports": ["445", "137-139"] },
            { "id": 8, "action": "allow", "direction": "outbound", "networks": ["198.18.10.5/32", "2001:DB8::/32"] }
          ],
          "rateLimit": { "bytesPerSecond": 1250000, "burstBytes": 65536 }
        }
        """;

    [Fact]
    public void Parse_Sample_ProducesCanonicalJsonWithSortedKeysAndExplicitDefaults()
    {
        var document = PolicyDocument.Parse(Sample);

        var canonical = Encoding.UTF8.GetString(document.CanonicalJson);

        Assert.Equal(
            "{\"defaultAction\":\"allow\",\"description\":\"exit with a shared LAN\",\"exports\":[\"198.18.10.0/24\"],"
            + "\"rateLimit\":{\"burstBytes\":65536,\"bytesPerSecond\":1250000},\"rules\":["
            + "{\"action\":\"deny\",\"direction\":\"any\",\"id\":7,\"networks\":[\"0.0.0.0/0\",\"::/0\"],\"ports\":[\"445\",\"137-139\"],\"protocol\":\"tcp\"},"
            + "{\"action\":\"allow\",\"direction\":\"outbound\",\"id\":8,\"networks\":[\"198.18.10.5/32\",\"2001:db8::/32\"],\"ports\":[],\"protocol\":\"any\"}"
            + "],\"version\":1}",
            canonical);
    }

    [Fact]
    public void Hash_IsKeccakOfCanonicalJson()
    {
        var document = PolicyDocument.Parse(Sample);

        var expected = Nethereum.Util.Sha3Keccack.Current.CalculateHash(document.CanonicalJson.ToArray());

        Assert.Equal(expected, document.Hash.ToArray());
        Assert.Equal("0x" + Convert.ToHexStringLower(expected), document.HashHex);
    }

    [Fact]
    public void Parse_CanonicalJson_RoundTripsToSameHash()
    {
        var document = PolicyDocument.Parse(Sample);

        var again = PolicyDocument.Parse(Encoding.UTF8.GetString(document.CanonicalJson));

        Assert.Equal(document.HashHex, again.HashHex);
        Assert.Equal(document.CanonicalJson.ToArray(), again.CanonicalJson.ToArray());
    }

    [Fact]
    public void Parse_SameMeaningDifferentLayout_SameHash()
    {
        var a = PolicyDocument.Parse("""{"version":1,"defaultAction":"deny","rules":[{"id":1,"action":"allow","protocol":"6"}]}""");
        var b = PolicyDocument.Parse("""
            { "rules": [ { "protocol": "tcp", "action": "allow", "id": 1, "direction": "any", "networks": ["0.0.0.0/0", "::/0"] } ],
              "exports": [], "defaultAction": "deny", "version": 1 }
            """);

        Assert.Equal(a.HashHex, b.HashHex);
    }

    [Fact]
    public void Parse_DescriptionWithControlAndUnicode_EscapedAsRfc8785()
    {
        var document = PolicyDocument.Parse("{\"version\":1,\"defaultAction\":\"allow\",\"rules\":[],\"description\":\"a\\u0001\\n\\\"é€😀/\"}");

        var canonical = Encoding.UTF8.GetString(document.CanonicalJson);

        Assert.Contains("\"description\":\"a\\u0001\\n\\\"é€😀/\"", canonical, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[],"extra":1}""", "unknown field \"extra\"")]
    [InlineData("""{"version":1,"version":1,"defaultAction":"allow","rules":[]}""", "appears twice")]
    [InlineData("""{"version":2,"defaultAction":"allow","rules":[]}""", "version")]
    [InlineData("""{"version":1.0,"defaultAction":"allow","rules":[]}""", "version")]
    [InlineData("""{"version":1,"defaultAction":"maybe","rules":[]}""", "defaultAction")]
    [InlineData("""{"version":1,"defaultAction":"allow"}""", "missing field \"rules\"")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":0,"action":"deny"}]}""", "reserved")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":4294967295,"action":"deny"}]}""", "reserved")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":4294967294,"action":"deny"}]}""", "reserved")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":4294967296,"action":"deny"}]}""", "rules[0].id")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny"},{"id":3,"action":"allow"}]}""", "used twice")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","protocol":"icmp","ports":["1"]}]}""", "ports apply only")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","networks":["10.0.0.1/8"]}]}""", "host bits")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","networks":[]}]}""", "must not be empty")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","ports":["90-80"]}]}""", "ends before")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","ports":[445]}]}""", "must be a string")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[{"id":3,"action":"deny","protocol":"256"}]}""", "protocol")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[],"rateLimit":{"bytesPerSecond":0,"burstBytes":1}}""", "rateLimit.bytesPerSecond")]
    [InlineData("""{"version":1,"defaultAction":"allow","rules":[],}""", "not valid JSON")]
    [InlineData("""[1,2]""", "must be an object")]
    public void TryParse_InvalidDocument_FailsWithReason(string json, string reason)
    {
        var ok = PolicyDocument.TryParse(json, out var document, out var error);

        Assert.False(ok);
        Assert.Null(document);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultExit_IsValidAndStable()
    {
        var again = PolicyDocument.Parse(Encoding.UTF8.GetString(PolicyDocument.DefaultExit.CanonicalJson));

        Assert.Equal(PolicyDocument.DefaultExit.HashHex, again.HashHex);
        Assert.Equal(3, again.Rules.Count);
    }

    [Fact]
    public void Vector_FileMatchesImplementation()
    {
        // tests/vectors/policy.json: documents, their canonical JSON and hash, for a second implementation.
        var path = Path.Combine(RepoRoot(), "tests", "vectors", "policy.json");
        using var vectors = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var count = 0;
        foreach (var vector in vectors.RootElement.GetProperty("documents").EnumerateArray())
        {
            var document = PolicyDocument.Parse(vector.GetProperty("input").GetRawText());
            Assert.Equal(vector.GetProperty("canonical").GetString(), Encoding.UTF8.GetString(document.CanonicalJson));
            Assert.Equal(vector.GetProperty("hash").GetString(), document.HashHex);
            count++;
        }

        Assert.True(count >= 3);
    }

    internal static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Oracle.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Oracle.sln not found above the test binaries");
    }
}

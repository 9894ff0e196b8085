using Oracle.Chain.Artifacts;
using Oracle.Chain.Deployment;

namespace Oracle.Chain.Tests.Artifacts;

public sealed class ContractArtifactsTests
{
    public static TheoryData<string> Deployable => new()
    {
        "VpnToken", "DevWrappedBtc", "OracleRegistry", "PriceFeed", "TokenExchange", "ProviderRegistry", "SessionManager",
        "EvidenceRegistry", "LocalRandomnessSource", "DisputeManager",
    };

    [Theory]
    [MemberData(nameof(Deployable))]
    public void Get_EveryContractOfTheSet_IsEmbeddedAndDeployable(string name)
    {
        var artifact = ContractArtifacts.Get(name);

        Assert.True(artifact.IsDeployable);
        Assert.Equal(64, artifact.BytecodeHash.Length);
        Assert.Equal(64, artifact.SourceHash.Length);
        Assert.StartsWith("src/", artifact.SourceName, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"function\"", artifact.AbiJson.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Known_Interfaces_AreNotDeployable()
    {
        Assert.False(ContractArtifacts.Get("ISessionManager").IsDeployable);
        Assert.False(ContractArtifacts.Get("IDisputeManager").IsDeployable);
        Assert.Throws<KeyNotFoundException>(() => ContractArtifacts.Get("NoSuchContract"));
    }

    [Fact]
    public void Bytecode_Linked_HasNoLibraryPlaceholders()
    {
        foreach (var artifact in ContractArtifacts.Known.Values.Where(a => a.IsDeployable))
        {
            Assert.DoesNotContain("__$", artifact.Bytecode, StringComparison.Ordinal);
        }

        Assert.Equal(12, typeof(ContractNames).GetFields().Length);
    }
}

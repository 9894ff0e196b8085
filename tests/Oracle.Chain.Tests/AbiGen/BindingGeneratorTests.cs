using System.Text.Json;
using Oracle.AbiGen;
using Oracle.Chain.Artifacts;
using Oracle.Testing.Contracts;

namespace Oracle.Chain.Tests.AbiGen;

/// <summary>The generator's shared structs and errors, its refusal of conflicting declarations, and the test doubles kept out of Oracle.Chain.</summary>
public sealed class BindingGeneratorTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("abigen-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Run_OneStructInTwoContracts_GeneratesOneSharedClass()
    {
        var artifacts = Folder("artifacts");
        WriteArtifact(artifacts, "Alpha", Function("open", Tuple("terms", "struct IAlpha.Terms", Field("uint256", "deposit"), Field("address", "client"))), Error("Unknown", Field("uint64", "id")));
        WriteArtifact(artifacts, "Beta", Function("file", Tuple("terms", "struct IAlpha.Terms", Field("uint256", "deposit"), Field("address", "client"))), Error("Unknown", Field("uint64", "id")));
        var output = Folder("out");

        Assert.Equal(2, BindingGenerator.Run(artifacts, output));

        var shared = File.ReadAllText(Path.Combine(output, "Shared.g.cs"));
        Assert.Contains("namespace Oracle.Chain.Contracts;", shared, StringComparison.Ordinal);
        Assert.Single(Occurrences(shared, "public sealed partial class Terms\n"));
        Assert.Single(Occurrences(shared, "public sealed partial class UnknownError\n"));
        Assert.Contains("used by Alpha, Beta", shared, StringComparison.Ordinal);
        foreach (var contract in new[] { "Alpha", "Beta" })
        {
            var code = File.ReadAllText(Path.Combine(output, contract + ".g.cs"));
            Assert.DoesNotContain("class Terms", code, StringComparison.Ordinal);
            Assert.DoesNotContain("class UnknownError", code, StringComparison.Ordinal);
            Assert.Contains("public Terms Terms { get; set; } = new();", code, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Run_StructOfOneNameDeclaredDifferently_FailsNamingBothDeclarations()
    {
        var artifacts = Folder("artifacts");
        WriteArtifact(artifacts, "Alpha", Function("open", Tuple("terms", "struct IAlpha.Terms", Field("uint256", "deposit"))));
        WriteArtifact(artifacts, "Beta", Function("file", Tuple("terms", "struct IBeta.Terms", Field("uint128", "deposit"))));

        var e = Assert.Throws<AbiGenException>(() => BindingGenerator.Run(artifacts, Folder("out")));

        Assert.Contains("struct Terms is declared differently", e.Message, StringComparison.Ordinal);
        Assert.Contains("IAlpha.Terms in Alpha (uint256 deposit)", e.Message, StringComparison.Ordinal);
        Assert.Contains("IBeta.Terms in Beta (uint128 deposit)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ErrorOfOneNameWithOtherArguments_Fails()
    {
        var artifacts = Folder("artifacts");
        WriteArtifact(artifacts, "Alpha", Function("open"), Error("Unknown", Field("uint64", "id")));
        WriteArtifact(artifacts, "Beta", Function("file"), Error("Unknown", Field("uint64", "sessionId")));

        var e = Assert.Throws<AbiGenException>(() => BindingGenerator.Run(artifacts, Folder("out")));

        Assert.Contains("error Unknown is declared differently", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StructNamedLikeAContract_Fails()
    {
        var artifacts = Folder("artifacts");
        WriteArtifact(artifacts, "Alpha", Function("open", Tuple("beta", "struct IAlpha.Beta", Field("uint256", "x"))));
        WriteArtifact(artifacts, "Beta", Function("file"));

        var e = Assert.Throws<AbiGenException>(() => BindingGenerator.Run(artifacts, Folder("out")));

        Assert.Contains("would be generated as Beta", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithReference_UsesTheReferencedStructsAndChecksThem()
    {
        var shipped = Folder("shipped");
        WriteArtifact(shipped, "Alpha", Function("open", Tuple("terms", "struct IAlpha.Terms", Field("uint256", "deposit"))));
        var testing = Folder("testing");
        WriteArtifact(testing, "Double", Function("take", Tuple("terms", "struct IAlpha.Terms", Field("uint256", "deposit"))));
        var output = Folder("out");
        var options = new GeneratorOptions
        {
            ArtifactsDir = testing, OutputDir = output, Namespace = "Oracle.Testing.Contracts",
            ArtifactsClass = "Oracle.Testing.Contracts.TestContractArtifacts", ReferenceArtifactsDir = shipped,
        };

        Assert.Equal(1, BindingGenerator.Run(options));

        Assert.False(File.Exists(Path.Combine(output, "Shared.g.cs")));
        var code = File.ReadAllText(Path.Combine(output, "Double.g.cs"));
        Assert.Contains("using Oracle.Chain.Contracts;", code, StringComparison.Ordinal);
        Assert.Contains("namespace Oracle.Testing.Contracts.Double;", code, StringComparison.Ordinal);
        Assert.Contains("Oracle.Testing.Contracts.TestContractArtifacts.Get(\"Double\")", code, StringComparison.Ordinal);

        WriteArtifact(testing, "Double", Function("take", Tuple("terms", "struct IAlpha.Terms", Field("uint64", "deposit"))));
        Assert.Throws<AbiGenException>(() => BindingGenerator.Run(options));
    }

    [Fact]
    public void Bindings_SharedSolidityStructs_AreOneTypeAcrossContracts()
    {
        var assembly = typeof(ContractClient).Assembly;
        var sessions = assembly.GetTypes().Where(t => t.Name == "Session" && t.Namespace?.StartsWith("Oracle.Chain.Contracts", StringComparison.Ordinal) == true).ToList();

        Assert.Equal([typeof(Oracle.Chain.Contracts.Session)], sessions);
        Assert.Equal(typeof(Oracle.Chain.Contracts.Session), typeof(Oracle.Chain.Contracts.SessionManager.IsSessionFunction).GetProperty("Session")!.PropertyType);
        Assert.Equal(typeof(Oracle.Chain.Contracts.Session), typeof(Oracle.Chain.Contracts.DisputeManager.FileDisputeFunction).GetProperty("Session")!.PropertyType);
    }

    [Fact]
    public void Bindings_TestDoubles_AreNotShippedInOracleChain()
    {
        var shipped = typeof(ContractClient).Assembly.GetTypes().Select(t => t.Namespace ?? "").Distinct().ToList();

        foreach (var name in new[] { "FixedAnswerFeed", "ReentrantSeller", "WideIdRandomnessSource" })
        {
            Assert.False(ContractArtifacts.Known.ContainsKey(name), $"{name}'s artifact is embedded in Oracle.Chain");
            Assert.DoesNotContain("Oracle.Chain.Contracts." + name, shipped);
            Assert.True(TestContractArtifacts.Known[name].IsDeployable);
        }
    }

    private string Folder(string name) => _dir.CreateSubdirectory(name).FullName;

    private static List<int> Occurrences(string text, string value)
    {
        var found = new List<int>();
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            found.Add(i);
        }

        return found;
    }

    private static void WriteArtifact(string folder, string name, params object[] abi)
        => File.WriteAllText(Path.Combine(folder, name + ".json"), JsonSerializer.Serialize(new
        {
            contractName = name,
            sourceName = $"src/{name}.sol",
            abi,
            bytecode = "0x6080",
        }));

    private static object Function(string name, params object[] inputs)
        => new { type = "function", name, stateMutability = "nonpayable", inputs, outputs = Array.Empty<object>() };

    private static object Error(string name, params object[] inputs) => new { type = "error", name, inputs };

    private static object Field(string type, string name) => new { type, name, internalType = type };

    private static object Tuple(string name, string internalType, params object[] components) => new { type = "tuple", name, internalType, components };
}

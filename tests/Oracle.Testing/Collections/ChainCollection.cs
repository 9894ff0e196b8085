namespace Oracle.Testing;

/// <summary>
/// The collection of tests that share one <see cref="ChainFixture"/>; they run one at a time, so time travel and
/// snapshots in one test never surprise another. xunit finds collection definitions only in the test assembly
/// itself, so tests/Directory.Build.props compiles this file into every test project.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChainCollection : ICollectionFixture<ChainFixture>
{
    /// <summary>The collection's name, for <c>[Collection(ChainCollection.Name)]</c>.</summary>
    public const string Name = "chain";
}

namespace VpnGateway.Tests.Metering.Support;

/// <summary>The repository's tools (tools/&lt;name&gt;), built beside the tests (the test project references them without their assembly).</summary>
internal static class RepositoryTools
{
    /// <summary>tools/<paramref name="name"/>'s assembly in the same configuration and framework as the tests; fails if it is not built.</summary>
    public static string Dll(string name)
    {
        // tests/VpnGateway.Tests/bin/<Configuration>/net10.0/ → tools/<name>/bin/<Configuration>/net10.0/
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        var repository = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repository, "tools", name, "bin", configuration, framework, name + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build tools/{name} first", path);
    }
}

using Oracle.Testing;

namespace Oracle.Testing.Tests;

public sealed class TestProgramsTests
{
    [Fact]
    public void Require_ListedAndInstalled_Passes()
    {
        TestPrograms.Require("ip");
        TestPrograms.RequireCommand(["ip", "netns", "exec", "x", "ping", "-c", "1"]);
    }

    [Fact]
    public void Require_ProgramNotListed_FailsNamingTheList()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TestPrograms.Require("tcpdump"));

        Assert.Contains("scripts/test-programs.txt does not list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireCommand_ProgramInsideNamespaceNotListed_Fails()
    {
        Assert.Throws<InvalidOperationException>(() => TestPrograms.RequireCommand(["ip", "netns", "exec", "x", "openvpn"]));
    }

    [Fact]
    public void All_EveryListedProgram_IsInstalled()
    {
        // What scripts/test.sh checks before the tests run, kept as a test for a project run on its own.
        var missing = TestPrograms.All.Keys.Where(p => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, p)))).ToList();

        Assert.True(missing.Count == 0, $"not installed (run scripts/bootstrap.sh): {string.Join(", ", missing)}");
    }
}

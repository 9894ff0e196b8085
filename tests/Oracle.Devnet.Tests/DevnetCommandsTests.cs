using System.Text.Json;
using Oracle.Devnet.Runtime;
using Oracle.Testing;

namespace Oracle.Devnet.Tests;

/// <summary>The command line as a user runs it: up (detached), status, down.</summary>
public sealed class DevnetCommandsTests
{
    private static Task<ProcessResult> Devnet(params string[] args)
    {
        var cli = RepositoryLayout.Find().ServiceAssembly("Oracle.Devnet", "oracle-devnet")
            ?? throw new InvalidOperationException("oracle-devnet is not built");
        return Commands.RunAsync(TimeSpan.FromSeconds(120), ["dotnet", cli, "devnet", .. args]);
    }

    [Fact]
    public async Task UpStatusDown_Detached_ReportsEndpointsAndLeavesNothingBehind()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"devnet-cli-{Guid.NewGuid():N}");

        var up = await Devnet("up", "--detach", "--no-services", "--data-dir", dir);
        var status = await Devnet("status", "--json", "--data-dir", dir);
        var state = JsonSerializer.Deserialize<DevnetState>(status.StandardOutput)!;
        var down = await Devnet("down", "--data-dir", dir);
        var after = await Devnet("status", "--data-dir", dir);

        Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
        Assert.Contains("devnet up in", up.StandardOutput);
        Assert.True(state.Ready);
        Assert.StartsWith("http://127.0.0.1:", state.RpcUrl);
        Assert.StartsWith("amqp://", state.AmqpUrl);
        Assert.Equal(0, down.ExitCode);
        Assert.All(state.Processes, p => Assert.False(p.Process.IsAlive()));
        Assert.False(Directory.Exists(dir));
        Assert.Equal(3, after.ExitCode);
    }
}

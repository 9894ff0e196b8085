using System.Net.Sockets;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// A program of the main job (iperf3's server, say) run in a network namespace like the devnet's servers: its own
/// process group, its log in its folder, stopped by PID; healthy once it accepts TCP connections on its port.
/// </summary>
internal sealed class ScenarioProcess(string name, string dataDirectory, string networkNamespace, IReadOnlyList<string> command, string probeHost, int probePort)
    : LocalService(name, dataDirectory)
{
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        // The port is in the namespace: probe from inside it.
        var result = await new TcpProbe(networkNamespace, probeHost, probePort).RunAsync(cancellationToken);
        return result;
    }

    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        Launch(Name, "ip", ["netns", "exec", networkNamespace, .. command]);
        return Task.CompletedTask;
    }

    // `bash -c '</dev/tcp/host/port'` inside the namespace: whether something accepts connections there.
    private sealed record TcpProbe(string Namespace, string Host, int Port)
    {
        public async Task<bool> RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                await ProcessRunner.RunAsync("ip", ["netns", "exec", Namespace, "bash", "-c", $"exec 3<>/dev/tcp/{Host}/{Port}"], cancellationToken);
                return true;
            }
            catch (Exception e) when (e is LocalServiceException or SocketException)
            {
                return false;
            }
        }
    }
}

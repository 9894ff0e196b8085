using System.Globalization;
using System.Net.Sockets;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// The devnet's network helper for the main job's namespaces: relays from the bridge's address to the chain and the
/// broker (answering only the underlay), and the web servers of the internet and the company LAN.
/// </summary>
internal sealed class ScenarioRelay(string dataDirectory, string cli, ScenarioTopology topology, IReadOnlyList<int> ports)
    : LocalService("network-helper", dataDirectory)
{
    public const int WebPort = 80;

    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var probe = new TcpClient();
        await probe.ConnectAsync(topology.RootAddress, ports[0], cancellationToken);
        return true;
    }

    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string>
        {
            cli, "devnet", "helper", "--allow", topology.Underlay,
            "--serve", $"{topology.Internet}@{topology.InternetServer}:{WebPort.ToString(CultureInfo.InvariantCulture)}",
            "--serve", $"{topology.CompanyLan}@{topology.CompanyServer}:{WebPort.ToString(CultureInfo.InvariantCulture)}",
        };
        foreach (var port in ports)
        {
            arguments.AddRange(["--relay", string.Create(CultureInfo.InvariantCulture, $"{topology.RootAddress}:{port}=127.0.0.1:{port}")]);
        }

        Launch(Name, "dotnet", arguments);
        return Task.CompletedTask;
    }
}

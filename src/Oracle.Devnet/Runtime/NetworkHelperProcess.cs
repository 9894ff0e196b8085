using System.Globalization;
using System.Net.Sockets;

namespace Oracle.Devnet.Runtime;

/// <summary>The devnet's <see cref="NetworkHelper"/> process, started like its servers and stopped by PID.</summary>
internal sealed class NetworkHelperProcess(string dataDirectory, string cli, ExitNetwork network, IReadOnlyList<(int Listen, int Target)> relays, int webPort)
    : LocalService("network-helper", dataDirectory)
{
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var probe = new TcpClient();
        await probe.ConnectAsync(network.RootAddress, relays[0].Listen, cancellationToken);
        return true;
    }

    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var arguments = new List<string> { cli, "devnet", "helper", "--allow", network.ProviderAddress, "--web-namespace", network.InternetNamespace,
            "--web", $"{network.WebAddress}:{webPort.ToString(CultureInfo.InvariantCulture)}" };
        foreach (var (listen, target) in relays)
        {
            arguments.AddRange(["--relay", string.Create(CultureInfo.InvariantCulture, $"{network.RootAddress}:{listen}=127.0.0.1:{target}")]);
        }

        Launch(Name, "dotnet", arguments);
        return Task.CompletedTask;
    }
}

using System.CommandLine;
using VpnGateway.Sessions;

namespace VpnGateway.Commands;

/// <summary><c>vpngateway connect</c>: run the client.</summary>
internal static class ConnectCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "Configuration file (JSON); VPNGATEWAY_* environment variables override it" };
        var command = new Command("connect", "Connect to a provider's gateway and route all or chosen prefixes through it") { config };
        command.SetAction((result, ct) => GatewayHost.RunAsync(GatewayRole.Client, result.GetValue(config), ct));
        return command;
    }
}

using System.CommandLine;
using VpnGateway.Sessions;

namespace VpnGateway.Commands;

/// <summary><c>vpngateway serve</c>: run the provider's gateway.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config", "-c") { Description = "Configuration file (JSON); VPNGATEWAY_* environment variables override it" };
        var command = new Command("serve", "Run the provider's gateway: exit node and/or site-to-site, enforcing each session's policy") { config };
        command.SetAction((result, ct) => GatewayHost.RunAsync(GatewayRole.Provider, result.GetValue(config), ct));
        return command;
    }
}

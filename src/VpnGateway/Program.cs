using System.CommandLine;
using VpnGateway.Commands;

// vpngateway: the Oracle VPN gateway. serve (provider), connect (client), status, keygen.
var root = new RootCommand("Oracle VPN gateway: an encrypted TUN tunnel whose sessions, keys and policies live on-chain")
{
    ServeCommand.Create(),
    ConnectCommand.Create(),
    StatusCommand.Create(),
    KeygenCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

using System.CommandLine;
using Oracle.Devnet;

// `oracle devnet up|down|status`: the local network of Oracle (see README and docs/devnet.md).
var root = new RootCommand("Oracle: peer-to-peer VPN sharing with on-chain trust and payments")
{
    DevnetCommands.Create(),
};

return await root.Parse(args).InvokeAsync(new InvocationConfiguration
{
    // `up` in the foreground stops everything on Ctrl-C; give the servers time to shut down cleanly.
    ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
});

using System.CommandLine;
using OracleNode.Commands;

// oracle-node: the staked oracle's software (docs/oracle-node.md).
//   init                      create the oracle's key (keystore)
//   stake | unstake | withdraw    its stake in the OracleRegistry
//   claim                     juror rewards and credited tokens
//   run (or no command)       the node: watch, judge and vote, keep disputes moving, report prices
//   status                    stake, disputes, votes with their reasons, rewards, slashes, alerts
var root = new RootCommand("Oracle node: a staked oracle that judges VPN disputes by the written adjudication rules and keeps the network's prices")
{
    CommonOptions.Config,
    InitCommand.Create(),
    StakeCommand.Create(),
    UnstakeCommand.Create(),
    WithdrawCommand.Create(),
    ClaimCommand.Create(),
    RunCommand.Create(),
    StatusCommand.Create(),
};
// Without a command the node runs; settings may also come as --Section:Key=value arguments (as the ASP.NET Core host reads
// them, which is how a test host passes its settings).
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction((result, ct) => RunCommand.RunAsync(result.GetValue(CommonOptions.Config), [.. result.UnmatchedTokens], ct));
return await root.Parse(args).InvokeAsync();

/// <summary>The entry point (a partial class so tests can host the service with WebApplicationFactory&lt;Program&gt;).</summary>
public partial class Program;

using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Oracle.Hosting;
using OracleNode.Hosting;

namespace OracleNode.Commands;

/// <summary>
/// <c>oracle-node run</c> (also what <c>oracle-node</c> without a command does): the node as a service — it watches the
/// chain, judges and votes in the rounds it is drawn for or named in, keeps disputes moving, reports prices, and answers
/// <c>/healthz</c>, <c>/metrics</c> and <c>/status</c>.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the oracle node: watch the chain, judge and vote, keep disputes moving, report prices (--Section:Key=value overrides a setting)")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((result, ct) => RunAsync(result.GetValue(CommonOptions.Config), [.. result.UnmatchedTokens], ct));
        return command;
    }

    public static async Task<int> RunAsync(string? configFile, string[] hostArguments, CancellationToken cancellationToken)
    {
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArguments });
            NodeConfiguration.AddTo(builder.Configuration, configFile);
            builder.AddOracleServiceDefaults();
            var chain = await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key, cancellationToken).ConfigureAwait(false);
            builder.AddOracleNode(chain!);
            await using var app = builder.Build();
            app.MapOracleDefaultEndpoints();
            app.MapNodeStatus();
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (StartupErrors.IsOperatorError(e))
        {
            return StartupErrors.Report(CommandRunner.Name, e);
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using OracleNode.Status;

namespace OracleNode.Commands;

/// <summary><c>oracle-node status</c>: stake, disputes and their phases, the node's votes with the rule that decided each, rewards, slashes, alerts.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var limit = new Option<int>("--disputes") { Description = "How many disputes to show (newest and active first)", DefaultValueFactory = _ => 20 };
        var reasons = new Option<bool>("--reasons", "-r") { Description = "Show every check behind each vote" };
        var command = new Command("status", "Show the oracle's stake, its disputes and phases, its votes with their reasons, rewards, slashes and alerts") { json, limit, reasons };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var context = await CommandContext.OpenAsync(result.GetValue(CommonOptions.Config), withStore: true, ct);
            var status = await new StatusReader(context.Contracts, context.Store!).ReadAsync(result.GetValue(limit), ct);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(status, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
                return 0;
            }

            Print(status, result.GetValue(reasons));
            return 0;
        }));
        return command;
    }

    private static void Print(NodeStatus status, bool reasons)
    {
        if (Console.IsOutputRedirected)
        {
            // Into a file or a pipe: plain text, and long reasons on one line each.
            AnsiConsole.Profile.Capabilities.Ansi = false;
            AnsiConsole.Profile.Width = 240;
        }

        var a = status.Account;
        AnsiConsole.MarkupLineInterpolated($"[bold]oracle {status.Address}[/] on chain {status.ChainId} ({status.Store}){(a.IsOracle ? "" : " — [red]not an oracle: stake at least the minimum[/]")}");
        AnsiConsole.MarkupLineInterpolated($"stake {a.Stake} VPN, locked {a.Locked}, unstaking {a.Unstaking}{(a.UnstakableAt is { } at ? $" (withdrawable from {at:u})" : "")}");
        AnsiConsole.MarkupLineInterpolated($"wallet {a.Vpn} VPN, {a.Eth} ETH; credited {a.Claimable} VPN; rewards {a.Rewards} VPN, slashed {a.Slashed} VPN");
        var table = new Table().AddColumns("dispute", "session", "claim", "rule", "phase", "round", "ruling", "seat", "vote", "state", "why");
        foreach (var d in status.Disputes)
        {
            if (d.Seats.Count == 0)
            {
                table.AddRow(Cells(d, "-", "-", "-", ""));
                continue;
            }

            foreach (var s in d.Seats)
            {
                var outcome = s.Reward is not null ? $"{s.State}, +{s.Reward}" : s.Slashed is not null ? $"{s.State}, slashed {s.Slashed}" : s.State;
                table.AddRow(Cells(d, $"r{s.Round}×{s.Seats}", s.Vote, outcome, s.Rule ?? ""));
            }
        }

        AnsiConsole.Write(table);
        if (reasons)
        {
            foreach (var d in status.Disputes)
            {
                foreach (var s in d.Seats.Where(s => s.Reasons.Count > 0))
                {
                    AnsiConsole.MarkupLineInterpolated($"[bold]dispute {d.DisputeId} round {s.Round}[/]: {s.Vote}");
                    foreach (var line in s.Reasons)
                    {
                        AnsiConsole.MarkupLineInterpolated($"  - {line}");
                    }
                }
            }
        }

        foreach (var alert in status.Alerts)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]ALERT[/] {alert.At:u} {alert.Kind}: {alert.Message}");
        }

        foreach (var line in status.Actions.Take(10))
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]");
        }

        foreach (var line in status.PriceReports)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]price {line}[/]");
        }
    }

    private static string[] Cells(DisputeStatus d, string seat, string vote, string state, string why)
        => [d.DisputeId.ToString(CultureInfo.InvariantCulture), d.SessionId.ToString(CultureInfo.InvariantCulture), d.Claim, d.RuleId.ToString(CultureInfo.InvariantCulture),
            d.Phase, d.Round.ToString(CultureInfo.InvariantCulture), d.Ruling, seat, vote, state, why];
}

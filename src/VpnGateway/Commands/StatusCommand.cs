using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using Spectre.Console;
using VpnGateway.Hosting;

namespace VpnGateway.Commands;

/// <summary><c>vpngateway status</c>: ask a running gateway for its sessions and counters.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The gateway's metrics/status address", DefaultValueFactory = _ => "http://127.0.0.1:9580" };
        var json = new Option<bool>("--json") { Description = "Print the raw JSON" };
        var command = new Command("status", "Show the sessions, traffic, drops and policy denials of a running gateway") { url, json };
        command.SetAction(async (result, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var address = new Uri(new Uri(result.GetValue(url)!), "/status");
            try
            {
                if (result.GetValue(json))
                {
                    Console.WriteLine(await http.GetStringAsync(address, ct).ConfigureAwait(false));
                    return 0;
                }

                var status = await http.GetFromJsonAsync<GatewayStatus>(address, ct).ConfigureAwait(false);
                Print(status!);
                return 0;
            }
            catch (HttpRequestException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]cannot reach the gateway at {address}: {e.Message}[/]");
                return 2;
            }
        });
        return command;
    }

    private static void Print(GatewayStatus status)
    {
        // Piped or logged output has no terminal width: Spectre would assume 80 columns and wrap every row.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 512;
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]{status.Role}[/], {status.Sessions.Length} session(s), {status.Handshakes} handshake(s)");
        var table = new Table().AddColumns("session", "device", "client account", "client side", "peer endpoint", "rx", "tx", "key age", "denied", "rate-limited");
        foreach (var s in status.Sessions)
        {
            table.AddRow(
                s.SessionId.ToString(CultureInfo.InvariantCulture), s.Interface ?? "-", s.Client ?? "(pinned key)", string.Join(' ', s.ClientPrefixes), s.Endpoint ?? "-",
                Bytes(s.RxBytes), Bytes(s.TxBytes), s.KeyAgeSeconds is { } age ? $"{age:0}s" : "-",
                s.Denied.ToString(CultureInfo.InvariantCulture), s.RateLimited.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        if (status.Drops.Count > 0)
        {
            var drops = new Table().AddColumns("drop reason", "count");
            foreach (var (reason, count) in status.Drops)
            {
                drops.AddRow(reason, count.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(drops);
        }

        if (status.DenialsByRule.Count > 0)
        {
            var denials = new Table().AddColumns("policy rule", "denied packets");
            foreach (var (rule, count) in status.DenialsByRule)
            {
                denials.AddRow(rule, count.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(denials);
        }
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Oracle.Devnet.Runtime;
using Oracle.Devnet.Scenario;
using Spectre.Console;

namespace Oracle.Devnet;

/// <summary>
/// <c>devnet play</c> (what <c>./oracle up</c> runs): the main job — the devnet, then the whole scenario from a packet
/// to a ruling with progress per step, the timeline and the summary; then the network stays up until Ctrl-C, or stops
/// at once with <c>--exit</c>.
/// </summary>
internal static class PlayCommand
{
    public static Command Create(Option<string?> dataDir)
    {
        var exit = new Option<bool>("--exit") { Description = "Stop everything after the summary (scripts, CI)" };
        var logs = new Option<string?>("--logs") { Description = "Where to keep every component's log if a step fails (default: a new folder under the temp folder)" };
        var play = new Command("play", "The main job: the devnet, then the scenario from a packet to a ruling, its timeline and summary") { dataDir, exit, logs };
        play.SetAction((parse, ct) => PlayAsync(parse.GetValue(dataDir), parse.GetValue(exit), parse.GetValue(logs), ct));
        return play;
    }

    private static async Task<int> PlayAsync(string? dataDirOption, bool exitAfterSummary, string? logsOption, CancellationToken cancellationToken)
    {
        var repository = RepositoryLayout.Find();
        var missing = Prerequisites.Missing(repository).Concat(Prerequisites.MissingForMainJob()).ToList();
        if (missing.Count > 0)
        {
            foreach (var line in missing)
            {
                Console.Error.WriteLine($"oracle up: {line}");
            }

            return 2;
        }

        var dataDirectory = Path.GetFullPath(dataDirOption ?? LocalNetworkOptions.DefaultDataDirectory(repository));
        var logsDirectory = logsOption ?? Path.Combine(Path.GetTempPath(), $"oracle-main-job-logs-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        var watch = Stopwatch.StartNew();
        var reporter = new ConsoleReporter(watch);
        MainJob job;
        try
        {
            job = await MainJob.PlayAsync(new MainJobOptions
            {
                DataDirectory = dataDirectory,
                Repository = repository,
                FailureLogsDirectory = logsDirectory,
                WriteRepositoryManifest = dataDirOption is null,
            }, reporter, cancellationToken);
        }
        catch (MainJobFailedException e)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(e.Message)}[/]");
            AnsiConsole.MarkupLine($"every component's log is kept in [bold]{Markup.Escape(e.LogsDirectory)}[/]; everything started was stopped");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.Error.WriteLine("oracle up: interrupted; everything started was stopped and the data folder removed");
            return 130;
        }
        catch (Exception e) when (e is LocalServiceException or DevnetAlreadyRunningException)
        {
            Console.Error.WriteLine($"oracle up: {e.Message}");
            return 1;
        }

        await using (job)
        {
            var played = watch.Elapsed;
            var report = await job.ReportAsync(cancellationToken);
            Print(report);
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[green]the main job played in {played.TotalSeconds:0.0} s[/] (data folder {Markup.Escape(dataDirectory)})"));
            if (exitAfterSummary)
            {
                AnsiConsole.MarkupLine("stopping (--exit)...");
                return 0;
            }

            PrintEndpoints(job.World);
            AnsiConsole.MarkupLine("the network stays up; press [bold]Ctrl-C[/] to stop it");
            try
            {
                while (job.IsHealthy)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }

                Console.Error.WriteLine("oracle up: a process of the network exited unexpectedly; stopping the rest");
                return 1;
            }
            catch (OperationCanceledException)
            {
                AnsiConsole.MarkupLine("stopping...");
                return 0;
            }
        }
    }

    private static void Print(MainJobReport report)
    {
        var timeline = new Table().Title("timeline").AddColumns("block", "time (UTC)", "event", "what happened");
        foreach (var e in report.Timeline)
        {
            timeline.AddRow(e.Block.ToString(CultureInfo.InvariantCulture), e.Time.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture), Markup.Escape(e.Event), Markup.Escape(e.Description));
        }

        AnsiConsole.Write(timeline);
        var summary = new Table().Title("summary").AddColumns("", "");
        foreach (var (label, value) in report.Summary)
        {
            summary.AddRow(Markup.Escape(label), Markup.Escape(value));
        }

        AnsiConsole.Write(summary);
        foreach (var line in report.NotPlayed)
        {
            AnsiConsole.MarkupLine($"[yellow]not played:[/] {Markup.Escape(line)}");
        }
    }

    private static void PrintEndpoints(ScenarioWorld world)
    {
        var table = new Table().AddColumns("what", "where");
        table.AddRow("chain (JSON-RPC)", Markup.Escape(world.Network.Chain.RpcUrl));
        table.AddRow("contracts manifest", Markup.Escape(world.Network.State.RepositoryManifest ?? world.Network.ManifestPath));
        foreach (var (name, service) in world.Network.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(service.IsRunning ? service.Url : "stopped"));
        }

        table.AddRow("keys and configurations", Markup.Escape(world.Folder));
        AnsiConsole.Write(table);
    }

    // Steps as numbered lines, details indented under them, the time of each: all on one console, in order.
    private sealed class ConsoleReporter(Stopwatch watch) : IScenarioReporter
    {
        private readonly Lock _lock = new();

        public void StepStarted(int number, int count, string title)
        {
            lock (_lock)
            {
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey][[{watch.Elapsed.TotalSeconds,5:0.0}s]][/] [bold]{number,2}/{count}[/] {Markup.Escape(title)}"));
            }
        }

        public void Detail(string line)
        {
            lock (_lock)
            {
                AnsiConsole.MarkupLine($"[grey]        {Markup.Escape(line)}[/]");
            }
        }

        public void StepFinished(TimeSpan elapsed)
        {
            lock (_lock)
            {
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[green]        done in {elapsed.TotalSeconds:0.0} s[/]"));
            }
        }
    }
}

using System.Diagnostics;
using System.Net;

namespace Arbitration.Bench;

/// <summary>
/// HTTP load on loopback: closed loop (N workers back to back: the most the server does) and open loop at a fixed
/// rate (requests start on a schedule whatever the answers do; latency counts from the scheduled start, so a stalled
/// server is not hidden by the generator waiting for it — no coordinated omission).
/// </summary>
internal sealed class LoadGenerator(Uri baseAddress)
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task<LatencyStats> ClosedLoopAsync(Func<Random, string> path, int workers, TimeSpan warmUp, TimeSpan duration)
    {
        await RunClosedAsync(path, workers, warmUp, null);
        var latencies = new List<double>[workers];
        var errors = new int[workers];
        var watch = Stopwatch.StartNew();
        await RunClosedAsync(path, workers, duration, (worker, ms, ok) =>
        {
            (latencies[worker] ??= []).Add(ms);
            if (!ok)
            {
                errors[worker]++;
            }
        });
        return LatencyStats.From(latencies.Where(l => l is not null).SelectMany(l => l).ToList(), errors.Sum(), watch.Elapsed.TotalSeconds);
    }

    private async Task RunClosedAsync(Func<Random, string> path, int workers, TimeSpan duration, Action<int, double, bool>? record)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker * 7919 + 1);
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                var ok = await GetAsync(path(random));
                record?.Invoke(worker, Stopwatch.GetElapsedTime(start).TotalMilliseconds, ok);
            }
        })));
    }

    public async Task<LatencyStats> OpenLoopAsync(Func<Random, string> path, int requestsPerSecond, TimeSpan duration)
    {
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var oks = new bool[total];
        var random = new Random(17);
        var paths = Enumerable.Range(0, total).Select(_ => path(random)).ToArray();
        var origin = Stopwatch.GetTimestamp();
        var running = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var scheduled = origin + (long)(i * (double)Stopwatch.Frequency / requestsPerSecond);
            var wait = scheduled - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            var index = i;
            running.Add(Task.Run(async () =>
            {
                oks[index] = await GetAsync(paths[index]);
                latencies[index] = (double)(Stopwatch.GetTimestamp() - scheduled) * 1000 / Stopwatch.Frequency;
            }));
        }

        await Task.WhenAll(running);
        return LatencyStats.From([.. latencies], oks.Count(o => !o), Stopwatch.GetElapsedTime(origin).TotalSeconds);
    }

    private async Task<bool> GetAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}

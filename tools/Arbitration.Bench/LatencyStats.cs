using System.Globalization;

namespace Arbitration.Bench;

/// <summary>Throughput and latency percentiles of one measured phase.</summary>
internal sealed record LatencyStats(int Requests, int Errors, double Seconds, double P50Ms, double P99Ms)
{
    public double Rps => Requests / Seconds;

    public static LatencyStats From(List<double> latenciesMs, int errors, double seconds)
    {
        latenciesMs.Sort();
        double Percentile(double p) => latenciesMs.Count == 0 ? double.NaN : latenciesMs[Math.Min(latenciesMs.Count - 1, (int)Math.Ceiling(p * latenciesMs.Count) - 1)];
        return new LatencyStats(latenciesMs.Count, errors, seconds, Percentile(0.50), Percentile(0.99));
    }

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Rps:0} req/s, p50 {P50Ms:0.00} ms, p99 {P99Ms:0.00} ms ({Requests} requests, {Errors} errors, {Seconds:0.0} s)");
}

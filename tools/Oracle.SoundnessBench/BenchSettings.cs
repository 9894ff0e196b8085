using System.Globalization;

namespace Oracle.SoundnessBench;

/// <summary>The run's size, from environment variables (defaults: the 10 nodes, 3 dishonest, at least 50 disputes: 51, 17 of each claim kind).</summary>
internal sealed record BenchSettings(int Honest, int Dishonest, int Disputes, int Concurrency, int PhaseSeconds, int CommitteeSize, int Seed, int TimeoutMinutes)
{
    public static BenchSettings FromEnvironment() => new(
        Int("ORACLE_SOUNDNESS_HONEST", 7),
        Int("ORACLE_SOUNDNESS_DISHONEST", 3),
        Int("ORACLE_SOUNDNESS_DISPUTES", 51),
        Int("ORACLE_SOUNDNESS_CONCURRENCY", 10),
        Int("ORACLE_SOUNDNESS_PHASE_SECONDS", 15),
        Int("ORACLE_SOUNDNESS_COMMITTEE", 5),
        Int("ORACLE_SOUNDNESS_SEED", 12),
        Int("ORACLE_SOUNDNESS_TIMEOUT_MINUTES", 20));

    private static int Int(string name, int fallback)
        => Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

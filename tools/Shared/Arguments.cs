using System.Globalization;

namespace Oracle.Tools;

/// <summary><c>--name value</c> pairs of the bench tools' subcommands (shared by Oracle.MeteringBench and Oracle.ScaleBench).</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = [];

    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --option, got {args[i]}");
            }

            parsed._values[args[i][2..]] = args[i + 1];
        }

        return parsed;
    }

    public string String(string name, string? fallback = null)
        => _values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");

    public long Long(string name, long fallback)
        => _values.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
}

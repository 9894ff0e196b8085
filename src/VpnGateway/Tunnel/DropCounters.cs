namespace VpnGateway.Tunnel;

/// <summary>Drops by reason; incremented from any thread.</summary>
public sealed class DropCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Counts one drop.</summary>
    public void Add(DropReason reason) => Interlocked.Increment(ref _counts[(int)reason]);

    /// <summary>Counts <paramref name="count"/> drops.</summary>
    public void Add(DropReason reason, long count)
    {
        if (count != 0)
        {
            Interlocked.Add(ref _counts[(int)reason], count);
        }
    }

    /// <summary>The drops for <paramref name="reason"/> so far.</summary>
    public long this[DropReason reason] => Interlocked.Read(ref _counts[(int)reason]);

    /// <summary>All drops so far.</summary>
    public long Total
    {
        get
        {
            long total = 0;
            foreach (var count in _counts)
            {
                total += Interlocked.Read(ref System.Runtime.CompilerServices.Unsafe.AsRef(in count));
            }

            return total;
        }
    }

    /// <summary>A snapshot by reason name.</summary>
    public IReadOnlyDictionary<string, long> Snapshot()
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            var value = this[reason];
            if (value != 0)
            {
                result[ToLabel(reason)] = value;
            }
        }

        return result;
    }

    /// <summary>The metric label of a reason: snake_case.</summary>
    public static string ToLabel(DropReason reason)
    {
        var name = reason.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}

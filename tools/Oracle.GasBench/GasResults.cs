using System.Text.Json;

namespace Oracle.GasBench;

/// <summary>Gas per operation, keyed as the issue names them, plus context figures.</summary>
internal sealed class GasResults
{
    private readonly SortedDictionary<string, long> _values = new(StringComparer.Ordinal);

    public long this[string key]
    {
        get => _values[key];
        set => _values[key] = value;
    }

    public string ToJson() => JsonSerializer.Serialize(_values);
}

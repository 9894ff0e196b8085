using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions;
using Oracle.Actions.Units;

namespace Oracle.Cli.Hosting;

/// <summary>
/// What a command prints: results for people (lines of <c>key: value</c>, tables) or, with <c>--json</c>, one JSON
/// document on standard output; progress (steps, transactions waiting for confirmation) on standard error; a failure
/// as one line on standard error.
/// </summary>
internal sealed class CliOutput : IActionProgress, IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(), new TokenAmountConverter() },
    };

    private readonly Lock _lock = new();
    private readonly bool _interactive;
    private Timer? _ticker;
    private string? _waiting;
    private DateTime _waitingSince;

    public CliOutput(TextWriter output, TextWriter error, bool json, bool interactive)
    {
        Out = output;
        Error = error;
        Json = json;
        _interactive = interactive;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool Json { get; }

    /// <summary>Prints <paramref name="value"/> as JSON (with <c>--json</c>) or through <paramref name="human"/>.</summary>
    public void Result<T>(T value, Action<T, CliOutput> human)
    {
        if (Json)
        {
            Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
        }
        else
        {
            human(value, this);
        }
    }

    /// <summary>One line of a result for people.</summary>
    public void Line(string text = "") => Out.WriteLine(text);

    /// <summary><c>label: value</c>, aligned.</summary>
    public void Field(string label, object? value) => Out.WriteLine($"  {label + ":",-22} {Format(value)}");

    /// <summary>A table with a header row; columns padded to their widest cell.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => i < r.Count ? r[i].Length : 0)).ToArray();
        foreach (var row in all)
        {
            Out.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }

    /// <summary>A failure: one line on standard error (and a JSON error document with <c>--json</c>).</summary>
    public void Failure(ActionError error)
    {
        StopTicker(null);
        Error.WriteLine($"oracle: {error.Message}");
        if (Json)
        {
            Out.WriteLine(JsonSerializer.Serialize(new { error = new { kind = error.Kind.ToString(), message = error.Message, revert = error.Revert?.Name } }, JsonOptions));
        }
    }

    /// <inheritdoc />
    public void Info(string message)
    {
        lock (_lock)
        {
            ClearWaitingLine();
            Error.WriteLine($"  {message}");
            RedrawWaitingLine();
        }
    }

    /// <inheritdoc />
    public void TransactionStarted(string description)
    {
        lock (_lock)
        {
            _waiting = description;
            _waitingSince = DateTime.UtcNow;
            if (_interactive)
            {
                RedrawWaitingLine();
                _ticker = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }
            else
            {
                Error.WriteLine($"… {description}: waiting for confirmation");
            }
        }
    }

    /// <inheritdoc />
    public void TransactionFinished(string description, TransactionReceipt? receipt) => StopTicker(receipt is null
        ? $"✗ {description}"
        : string.Create(CultureInfo.InvariantCulture, $"✓ {description} (block {receipt.BlockNumber.Value}, tx {receipt.TransactionHash})"));

    public void Dispose() => StopTicker(null);

    private void StopTicker(string? finalLine)
    {
        lock (_lock)
        {
            _ticker?.Dispose();
            _ticker = null;
            ClearWaitingLine();
            _waiting = null;
            if (finalLine is not null)
            {
                Error.WriteLine(finalLine);
            }
        }
    }

    private void Tick()
    {
        lock (_lock)
        {
            RedrawWaitingLine();
        }
    }

    private void RedrawWaitingLine()
    {
        if (_interactive && _waiting is not null)
        {
            var seconds = (int)(DateTime.UtcNow - _waitingSince).TotalSeconds;
            Error.Write($"\r… {_waiting}: waiting for confirmation ({seconds} s)\u001b[K");
            Error.Flush();
        }
    }

    private void ClearWaitingLine()
    {
        if (_interactive && _waiting is not null)
        {
            Error.Write("\r\u001b[K");
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    // Amounts in JSON: the human form, the exact base units, and the asset, so scripts need no decimals table.
    private sealed class TokenAmountConverter : JsonConverter<TokenAmount>
    {
        public override TokenAmount Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, TokenAmount value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("amount", value.ToDecimalString());
            writer.WriteString("baseUnits", value.BaseUnits.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("asset", value.Asset.Symbol);
            writer.WriteEndObject();
        }
    }
}

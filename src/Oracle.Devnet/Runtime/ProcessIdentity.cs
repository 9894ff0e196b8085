using System.Globalization;
using System.Text.Json.Serialization;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A process as the kernel knows it: PID plus its start time (clock ticks since boot, /proc/&lt;pid&gt;/stat field 22),
/// so that a PID reused by an unrelated process after a crash is never mistaken for ours and never signalled.
/// </summary>
public sealed record ProcessIdentity
{
    /// <summary>The process id (also its process group id: every managed process leads its own session).</summary>
    [JsonPropertyName("pid")] public required int Pid { get; init; }

    /// <summary>The start time in clock ticks since boot.</summary>
    [JsonPropertyName("startTicks")] public required ulong StartTicks { get; init; }

    /// <summary>What the process is, for people reading state.json.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>Whether this very process is still running (not a zombie, not a PID reused by another process).</summary>
    public bool IsAlive() => ReadStartTicks(Pid, out var ticks, out var state) && ticks == StartTicks && state != 'Z' && state != 'X';

    /// <summary>Reads the identity of a running process.</summary>
    public static ProcessIdentity? Of(int pid, string name)
        => ReadStartTicks(pid, out var ticks, out _) ? new ProcessIdentity { Pid = pid, StartTicks = ticks, Name = name } : null;

    private static bool ReadStartTicks(int pid, out ulong startTicks, out char state)
    {
        startTicks = 0;
        state = '?';
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // The command name (field 2) may contain spaces and parentheses: fields are counted after the last ')'.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        state = rest[0][0];
        return ulong.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out startTicks);
    }
}

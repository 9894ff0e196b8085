using System.Globalization;
using Oracle.Devnet.Runtime;

namespace Oracle.Testing;

/// <summary>
/// Cleans up after a test process that was killed: its services (recorded in the folder's state.json by PID and
/// start time) are stopped and its folder removed, so crashed runs never pile up processes.
/// </summary>
internal static class StaleTestFolders
{
    private const string OwnerFile = "owner";

    public static void MarkOwned(string folder)
    {
        var me = ProcessIdentity.Of(Environment.ProcessId, "test process")!;
        File.WriteAllText(Path.Combine(folder, OwnerFile), $"{me.Pid} {me.StartTicks}\n");
    }

    public static void Record(string folder, IEnumerable<LocalService> services)
    {
        lock (services)
        {
            new DevnetState
            {
                DataDirectory = folder,
                StartedAt = DateTimeOffset.UtcNow,
                Processes = [.. services.SelectMany(s => s.StartedProcesses)],
            }.Write();
        }
    }

    public static void CleanUp()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "oracle-test-*"))
        {
            try
            {
                if (OwnerAlive(folder))
                {
                    continue;
                }

                if (DevnetState.Read(folder) is { } state)
                {
                    foreach (var p in state.Processes.Reverse())
                    {
                        ManagedProcess.Attach(p.Process, p.Log).Kill();
                    }
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Another test process is cleaning the same folder.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool OwnerAlive(string folder)
    {
        var path = Path.Combine(folder, OwnerFile);
        if (!File.Exists(path))
        {
            // Being created right now, or a crash before the owner was written: judge by age.
            return Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-10);
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
            && ulong.TryParse(parts[1], CultureInfo.InvariantCulture, out var ticks)
            && new ProcessIdentity { Pid = pid, StartTicks = ticks, Name = "test process" }.IsAlive();
    }
}

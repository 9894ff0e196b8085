using Oracle.Devnet.Runtime;

namespace Oracle.Testing;

/// <summary>
/// The programs tests may run: those listed in <c>scripts/test-programs.txt</c>, which <c>scripts/bootstrap.sh</c>
/// installs on a new machine. <see cref="Commands"/> and <see cref="NetworkNamespace"/> check every program they start,
/// so a test that runs a program the bootstrap does not install fails here too, with one line naming it, instead of
/// passing on a machine where someone installed it by hand and failing with exit 127 on a new one.
/// </summary>
public static class TestPrograms
{
    // The prerequisites every Oracle machine has (README: the .NET SDK and Node.js) are not Debian packages we install.
    private static readonly HashSet<string> Prerequisites = new(StringComparer.Ordinal) { "dotnet", "node", "npm", "npx" };

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Listed = new(Load);

    /// <summary>The listed programs and their Debian packages.</summary>
    public static IReadOnlyDictionary<string, string> All => Listed.Value;

    /// <summary>
    /// Throws unless <paramref name="program"/> (a command name, not a path) is listed in scripts/test-programs.txt and
    /// on the PATH. Absolute or relative paths (a server's binary in its package folder) are not checked.
    /// </summary>
    /// <exception cref="InvalidOperationException">The program is not listed, or not installed.</exception>
    public static void Require(string program)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        if (program.Contains('/', StringComparison.Ordinal) || Prerequisites.Contains(program))
        {
            return;
        }

        if (!Listed.Value.TryGetValue(program, out var package))
        {
            throw new InvalidOperationException($"a test runs '{program}', which scripts/test-programs.txt does not list, so scripts/bootstrap.sh does not install it on a new machine: add it with its Debian package");
        }

        if (!OnPath(program))
        {
            throw new InvalidOperationException($"a test runs '{program}', which is not installed: scripts/bootstrap.sh installs it (Debian package {package})");
        }
    }

    /// <summary>Checks the program of a command line: <c>argv[0]</c>, or the command after <c>ip netns exec NAME</c>.</summary>
    public static void RequireCommand(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            return;
        }

        Require(argv[0]);
        if (argv.Count > 4 && argv[0] == "ip" && argv[1] == "netns" && argv[2] == "exec")
        {
            Require(argv[4]);
        }
    }

    private static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));

    private static Dictionary<string, string> Load()
    {
        var path = Path.Combine(RepositoryLayout.Find().Root, "scripts", "test-programs.txt");
        var programs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#'))
            {
                continue;
            }

            if (fields.Length != 2)
            {
                throw new InvalidDataException($"{path}: '{line}' is not 'program package'");
            }

            programs[fields[0]] = fields[1];
        }

        return programs;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into its own folder (as the <c>postgres</c> user when we are root, since
/// initdb refuses root), listening only on 127.0.0.1 at its own port, password authentication with a generated password.
/// It never touches a cluster that was already running on the machine.
/// </summary>
public sealed class PostgresCluster : LocalService
{
    private const string Superuser = "oracle";

    /// <summary>Describes a cluster; <see cref="LocalService.StartAsync"/> creates and starts it.</summary>
    /// <param name="dataDirectory">Its folder (cluster data, socket, log, password file).</param>
    /// <param name="port">The port (0: any free port, 55432 preferred).</param>
    public PostgresCluster(string dataDirectory, int port = 0) : base("postgres", dataDirectory)
    {
        Port = port == 0 ? PortAllocator.Allocate(55432) : port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The superuser's connection string (database <c>postgres</c>).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = "postgres",
        Pooling = true,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>Where the PostgreSQL binaries are (Debian's layout, or PG_BIN).</summary>
    public static string BinDirectory => Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } bin ? bin : FindBinDirectory();

    private string ClusterDirectory => Path.Combine(DataDirectory, "cluster");

    private string PasswordFile => Path.Combine(DataDirectory, "password");

    private string Password => File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() : "";

    // Root cannot run the server; an ordinary user runs it as themself.
    private static string? RunAs => Native.GetEffectiveUserId() == 0 ? "postgres" : null;

    /// <inheritdoc />
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <inheritdoc />
    protected override int StopSignal => Native.SigInt; // "fast" shutdown: roll back open transactions, stop.

    /// <inheritdoc />
    protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var bin = BinDirectory;
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            await InitAsync(bin, cancellationToken);
        }

        var socketDirectory = Path.Combine(DataDirectory, "socket");
        Directory.CreateDirectory(socketDirectory);
        ChownToServer(socketDirectory);
        Launch("postgres", Path.Combine(bin, "postgres"),
        [
            "-D", ClusterDirectory,
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"unix_socket_directories={socketDirectory}",
            "-c", "max_connections=200",
            // A throwaway cluster: durability against power loss buys nothing here, speed does.
            "-c", "fsync=off",
            "-c", "full_page_writes=off",
            "-c", "synchronous_commit=off",
        ], runAsUser: RunAs);
    }

    private async Task InitAsync(string bin, CancellationToken cancellationToken)
    {
        if (Directory.Exists(ClusterDirectory))
        {
            Directory.Delete(ClusterDirectory, recursive: true);
        }

        Directory.CreateDirectory(ClusterDirectory);
        File.WriteAllText(PasswordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\n");
        // The server user must read the password file during initdb and own the cluster folder.
        ChownToServer(DataDirectory);
        ChownToServer(ClusterDirectory);
        ChownToServer(PasswordFile);
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var initdb = await RunToCompletionAsync("initdb", Path.Combine(bin, "initdb"),
        [
            "-D", ClusterDirectory, "-U", Superuser, "--pwfile", PasswordFile, "--auth=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ], RunAs, cancellationToken);
        if (!File.Exists(Path.Combine(ClusterDirectory, "PG_VERSION")))
        {
            throw new LocalServiceException($"initdb failed; last lines of {initdb.LogPath}:\n{initdb.LogTail()}");
        }
    }

    private static void ChownToServer(string path)
    {
        if (RunAs is null)
        {
            return;
        }

        var result = System.Diagnostics.Process.Start("chown", ["-R", $"{RunAs}:{RunAs}", path]);
        result.WaitForExit();
        if (result.ExitCode != 0)
        {
            throw new LocalServiceException($"cannot give {path} to the {RunAs} user (chown failed); is the postgresql package installed?");
        }
    }

    private static string FindBinDirectory()
    {
        const string Debian = "/usr/lib/postgresql";
        if (Directory.Exists(Debian))
        {
            var newest = Directory.GetDirectories(Debian)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        throw new LocalServiceException("PostgreSQL server binaries not found: install them (Debian: apt-get install postgresql), or set PG_BIN");
    }
}

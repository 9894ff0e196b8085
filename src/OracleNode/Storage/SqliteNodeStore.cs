using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace OracleNode.Storage;

/// <summary>
/// The node's tables in an embedded SQLite file, for an operator without a database server. WAL journal and
/// <c>synchronous=FULL</c>: a committed transaction (a journaled vote) is on disk before the call returns. The schema
/// is the PostgreSQL one (Storage/Sqlite/*.sql, applied in order and counted in <c>PRAGMA user_version</c>).
/// </summary>
internal sealed class SqliteNodeStore : SqlNodeStore
{
    private readonly string _connectionString;

    public SqliteNodeStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30, Pooling = true }.ToString();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    public override string Description => $"SQLite {Path}";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA user_version", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var scripts = Scripts();
        if (version > scripts.Count)
        {
            throw new InvalidDataException($"{Path} was written by a newer oracle node (schema version {version}, this one knows {scripts.Count})");
        }

        for (var i = (int)version; i < scripts.Count; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(scripts[i] + $"\nPRAGMA user_version = {i + 1};", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static List<string> Scripts()
    {
        var assembly = typeof(SqliteNodeStore).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Storage.Sqlite.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return reader.ReadToEnd();
            })];
    }
}

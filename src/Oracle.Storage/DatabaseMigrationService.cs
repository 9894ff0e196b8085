using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Oracle.Storage;

/// <summary>
/// Applies the service's migrations when the host starts, before any hosted service (bus consumers, chain watchers)
/// runs: <see cref="IHostedLifecycleService.StartingAsync"/> of every service completes before the first
/// <see cref="IHostedService.StartAsync"/>. A failed migration fails the start.
/// </summary>
internal sealed partial class DatabaseMigrationService(OracleDatabase database, Assembly migrations, ILogger<DatabaseMigrationService> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        // The shared tables every service has in its schema (the chain watchers' cursors), then the service's own.
        var shared = await DatabaseMigrator.MigrateAsync(database.DataSource, typeof(DatabaseMigrationService).Assembly, database.Schema, cancellationToken).ConfigureAwait(false);
        var own = await DatabaseMigrator.MigrateAsync(database.DataSource, migrations, database.Schema, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> applied = [.. shared, .. own];
        LogMigrated(logger, database.Schema, applied.Count, applied.Count == 0 ? "up to date" : string.Join(", ", applied));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "database schema {Schema}: {Count} migrations applied ({Scripts})")]
    private static partial void LogMigrated(ILogger logger, string schema, int count, string scripts);
}

using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace EvidenceCollector.Log;

/// <summary>
/// The sequencer role, held by one collector process at a time: a PostgreSQL session advisory lock on a connection of
/// its own (outside the pool, so the lock lives exactly as long as this connection). A process that dies or loses its
/// connection loses the lock at once, and another process takes it at its next try; the head row's compare-and-swap
/// keeps the log whole even if two processes ever believed they led.
/// </summary>
internal sealed class SequencerLease : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SequencerLease(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Takes the lease if nobody holds it.</summary>
    /// <returns>The lease, or null when another process holds it.</returns>
    public static async Task<SequencerLease?> TryAcquireAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 5, ApplicationName = "evidence-collector sequencer lease" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var key = Key(schema);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return new SequencerLease(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    /// <summary>Returns when the lease is lost (its connection broke) or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task WatchAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(interval * 4);
                await using var command = new NpgsqlCommand("SELECT 1", _connection);
                await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or IOException)
            {
                return;
            }
        }
    }

    /// <summary>Releases the lock and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_connection.FullState == System.Data.ConnectionState.Open)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
                command.Parameters.AddWithValue("key", _key);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or IOException or InvalidOperationException)
        {
            // Closing the connection releases it anyway.
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private static long Key(string schema)
        => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("oracle evidence collector sequencer:" + schema)), 0);
}

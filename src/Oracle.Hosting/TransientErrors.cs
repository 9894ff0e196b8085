using System.Net.Sockets;
using Npgsql;
using Oracle.Chain.Errors;

namespace Oracle.Hosting;

/// <summary>
/// Whether a failure is worth retrying (the database or chain node was briefly unreachable, a timeout, a serialization
/// conflict) rather than a bug or bad input that will fail the same way again. Retries anywhere in the services
/// (bus redelivery, background loops) use this one rule: Npgsql's <c>IsTransient</c> for the database, and
/// <see cref="ChainErrors.IsTransient"/> for the chain node.
/// </summary>
public static class TransientErrors
{
    /// <summary>Whether <paramref name="exception"/> (or what it wraps) is transient.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        null => false,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or SocketException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ when ChainErrors.IsTransient(exception) => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}

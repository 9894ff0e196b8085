using System.Net.Sockets;
using Npgsql;
using Nethereum.JsonRpc.Client;

namespace Oracle.Hosting;

/// <summary>
/// Whether a failure is worth retrying (the database or chain node was briefly unreachable, a timeout, a serialization
/// conflict) rather than a bug or bad input that will fail the same way again. Retries anywhere in the services
/// (bus redelivery, background loops) use this one rule, never message text.
/// </summary>
public static class TransientErrors
{
    /// <summary>Whether <paramref name="exception"/> (or what it wraps) is transient.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        null => false,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException or SocketException or HttpRequestException or IOException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        RpcClientUnknownException or RpcClientTimeoutException => true,
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };
}

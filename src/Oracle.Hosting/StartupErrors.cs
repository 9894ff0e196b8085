using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Keys;
using Oracle.Storage;

namespace Oracle.Hosting;

/// <summary>
/// Operator mistakes at start (a wrong setting, a missing file, a port in use, a chain or database that is not there)
/// become one line on standard error and a non-zero exit code, never a stack trace. Each service's Program.cs wraps its
/// start: <c>catch (Exception e) when (StartupErrors.IsOperatorError(e)) { return StartupErrors.Report("name", e); }</c>.
/// </summary>
public static class StartupErrors
{
    /// <summary>The exit code of a start that failed on an operator mistake.</summary>
    public const int ExitCode = 2;

    /// <summary>Whether <paramref name="exception"/> is an operator's mistake or an unreachable dependency rather than a bug.</summary>
    public static bool IsOperatorError(Exception exception) => exception switch
    {
        ChainContextException or OptionsValidationException or KeyStoreException or MigrationException or ConfigurationException => true,
        // A configuration file that is missing or not JSON (the configuration providers throw these at load).
        FileNotFoundException or InvalidDataException or FormatException => true,
        // Kestrel: the metrics/API port is in use or not allowed.
        IOException { InnerException: SocketException } or SocketException => true,
        Npgsql.NpgsqlException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsOperatorError),
        _ => false,
    };

    /// <summary>Prints "<paramref name="service"/>: <c>message</c>" to standard error and returns <see cref="ExitCode"/>.</summary>
    public static int Report(string service, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Console.Error.WriteLine($"{service}: {Describe(exception)}");
        return ExitCode;
    }

    /// <summary>The one-line description of a start failure.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        OptionsValidationException validation => string.Join("; ", validation.Failures),
        AggregateException aggregate => string.Join("; ", aggregate.InnerExceptions.Select(Describe)),
        IOException { InnerException: SocketException socket } io => $"{io.Message} ({socket.SocketErrorCode})",
        _ => exception.Message.ReplaceLineEndings(" "),
    };
}

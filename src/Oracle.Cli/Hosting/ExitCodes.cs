using Oracle.Actions;

namespace Oracle.Cli.Hosting;

/// <summary>The command line's exit codes (docs/quickstart.md lists them for scripts).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The chain (or a check before sending) refused: a revert, a short balance, a paused feed.</summary>
    public const int Refused = 1;

    /// <summary>A wrong argument: amount, address, file, option.</summary>
    public const int InvalidInput = 2;

    /// <summary>No such session, provider or dispute.</summary>
    public const int NotFound = 3;

    /// <summary>The chain node (or the API) does not answer.</summary>
    public const int Unavailable = 4;

    /// <summary>A wrong password, a missing or damaged keystore.</summary>
    public const int Key = 5;

    /// <summary>A bug: an error nobody foresaw (reported in one line; ORACLE_DEBUG=1 prints the stack trace).</summary>
    public const int Internal = 70;

    /// <summary>Interrupted (Ctrl-C).</summary>
    public const int Interrupted = 130;

    public static int For(ActionErrorKind kind) => kind switch
    {
        ActionErrorKind.Refused => Refused,
        ActionErrorKind.InvalidInput => InvalidInput,
        ActionErrorKind.NotFound => NotFound,
        ActionErrorKind.Unavailable => Unavailable,
        ActionErrorKind.Key => Key,
        _ => Refused,
    };
}

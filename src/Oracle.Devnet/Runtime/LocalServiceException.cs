namespace Oracle.Devnet.Runtime;

/// <summary>A local service could not start or stop; the message says which and includes its log's last lines.</summary>
public sealed class LocalServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LocalServiceException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

namespace Oracle.Chain;

/// <summary>
/// The chain configuration is wrong or the chain cannot be reached at start: the message is one line saying what and
/// where (a service prints it and exits).
/// </summary>
public sealed class ChainContextException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ChainContextException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

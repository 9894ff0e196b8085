namespace Oracle.Chain.Keys;

/// <summary>A keystore could not be read: missing file, no password, wrong password or damaged content.</summary>
public sealed class KeyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyStoreException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

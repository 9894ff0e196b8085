namespace Oracle.Storage;

/// <summary>A migration script failed; the database is left at the last script that succeeded.</summary>
public sealed class MigrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MigrationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

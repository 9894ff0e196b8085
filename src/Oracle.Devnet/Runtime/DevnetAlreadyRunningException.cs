namespace Oracle.Devnet.Runtime;

/// <summary>A devnet is already running in the data folder; stop it first (<c>oracle devnet down</c>).</summary>
public sealed class DevnetAlreadyRunningException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DevnetAlreadyRunningException(string dataDirectory)
        : base($"a devnet is already running in {dataDirectory}: `./oracle devnet status` shows it, `./oracle devnet down` stops it")
    {
        DataDirectory = dataDirectory;
    }

    /// <summary>The data folder.</summary>
    public string DataDirectory { get; }
}

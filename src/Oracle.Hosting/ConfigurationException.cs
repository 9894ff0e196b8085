namespace Oracle.Hosting;

/// <summary>A setting is wrong (an unknown key, a value out of range); the message names it and says what is expected.</summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConfigurationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

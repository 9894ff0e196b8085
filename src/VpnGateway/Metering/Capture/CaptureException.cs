namespace VpnGateway.Metering.Capture;

/// <summary>The interface cannot be captured (missing, wrong link type, libpcap refused the settings).</summary>
public sealed class CaptureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaptureException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CaptureException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CaptureException()
    {
    }
}

namespace VpnGateway.Metering.Sessions;

/// <summary>The terms of a session, or why they cannot be had (expected failures are values).</summary>
/// <param name="Terms">The terms, when found.</param>
/// <param name="Error">Why not.</param>
/// <param name="Transient">Whether trying again later may succeed (the chain node did not answer).</param>
public readonly record struct SessionTermsResult(SessionTerms? Terms, string? Error, bool Transient = false)
{
    /// <summary>Found.</summary>
    public static SessionTermsResult Found(SessionTerms terms) => new(terms, null);

    /// <summary>Refused: the session's terms contradict this gateway (wrong provider, unknown session...).</summary>
    public static SessionTermsResult Refused(string error) => new(null, error);

    /// <summary>The source could not answer now.</summary>
    public static SessionTermsResult Unavailable(string error) => new(null, error, Transient: true);
}

namespace VpnGateway.Providers;

/// <summary>A lookup result: the record when found, else why not (expected failures are values).</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Status">Found, not found, or directory unavailable.</param>
/// <param name="Value">The record when <see cref="LookupStatus.Found"/>.</param>
/// <param name="Detail">What went wrong, for logs.</param>
public readonly record struct Lookup<T>(LookupStatus Status, T? Value, string? Detail = null)
    where T : class
{
    /// <summary>A found record.</summary>
    public static Lookup<T> Found(T value) => new(LookupStatus.Found, value);

    /// <summary>No such record.</summary>
    public static Lookup<T> NotFound(string? detail = null) => new(LookupStatus.NotFound, null, detail);

    /// <summary>The directory could not answer.</summary>
    public static Lookup<T> Unavailable(string detail) => new(LookupStatus.Unavailable, null, detail);
}

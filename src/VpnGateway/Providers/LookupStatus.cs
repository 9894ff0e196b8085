namespace VpnGateway.Providers;

/// <summary>The outcome of a directory lookup.</summary>
public enum LookupStatus
{
    /// <summary>The record exists.</summary>
    Found,

    /// <summary>The directory answered that there is no such record.</summary>
    NotFound,

    /// <summary>The directory could not be asked (chain node down); try again later.</summary>
    Unavailable,
}

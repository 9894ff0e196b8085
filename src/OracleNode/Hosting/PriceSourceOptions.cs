namespace OracleNode.Hosting;

/// <summary>
/// One price source: a file or an HTTP(S) URL whose content is the price as a decimal number (ETH per unit of the base
/// asset, for example <c>0.0001</c>) or a JSON object holding it in <see cref="Field"/>.
/// </summary>
internal sealed class PriceSourceOptions
{
    /// <summary>A name for logs and <c>status</c> (default: the file or URL).</summary>
    public string? Name { get; set; }

    /// <summary>A file read at every report.</summary>
    public string? File { get; set; }

    /// <summary>An HTTP(S) URL fetched at every report.</summary>
    public string? Url { get; set; }

    /// <summary>The JSON property holding the price (a number or a decimal string); unset: the body is the number.</summary>
    public string? Field { get; set; }

    /// <summary>The source is older than this (JSON field <c>updatedAt</c>, Unix seconds, when present): refused.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

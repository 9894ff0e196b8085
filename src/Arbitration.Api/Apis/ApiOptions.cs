using System.ComponentModel.DataAnnotations;

namespace Arbitration.Api.Apis;

/// <summary>The HTTP API's limits (configuration section <see cref="Section"/>, docs/operations.md).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Api";

    /// <summary>The URL clients reach the API at (evidence URIs are built on it); unset, each request's own scheme and host.</summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>The largest request body Kestrel accepts on any endpoint, bytes.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The largest <c>POST /disputes</c> body, bytes.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxFilingBytes { get; set; } = 64 * 1024;

    /// <summary>The largest evidence bundle, bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxEvidenceBytes { get; set; } = 64 * 1024;

    /// <summary>Filings one client address may post per minute (ASP.NET Core rate limiting, fixed window).</summary>
    [Range(1, 100_000)]
    public int FilingsPerMinute { get; set; } = 20;

    /// <summary>Filing templates one client address may ask for per minute (each reads the chain).</summary>
    [Range(1, 100_000)]
    public int TemplatesPerMinute { get; set; } = 60;

    /// <summary>Evidence bundles one client address may post per minute.</summary>
    [Range(1, 100_000)]
    public int EvidencePerMinute { get; set; } = 60;

    /// <summary>Concurrent <c>/events</c> streams one client address may hold (each polls the read model).</summary>
    [Range(1, 10_000)]
    public int MaxEventStreamsPerClient { get; set; } = 4;

    /// <summary>How often the event stream (<c>/events</c>) looks for new blocks.</summary>
    public TimeSpan EventStreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

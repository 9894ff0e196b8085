namespace OracleNode.Storage;

/// <summary>A price report sent, or refused with the reason.</summary>
internal sealed class PriceReportRow
{
    public long Id { get; init; }

    public long At { get; init; }

    public string Feed { get; init; } = "";

    public long RoundId { get; init; }

    /// <summary>The answer reported (base units of the quote asset per base asset, 18 decimals), when one was.</summary>
    public string? Answer { get; init; }

    /// <summary><c>reported</c>, <c>refused</c>, <c>failed</c> or <c>skipped</c>.</summary>
    public string Outcome { get; init; } = "";

    public string Detail { get; init; } = "";

    public string? TransactionHash { get; init; }
}

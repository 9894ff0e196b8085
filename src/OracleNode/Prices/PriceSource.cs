using Microsoft.Extensions.Logging;
using OracleNode.Hosting;

namespace OracleNode.Prices;

/// <summary>One configured source (a file or an HTTP URL) of one feed.</summary>
internal sealed class PriceSource(PriceSourceOptions options, HttpClient http, TimeProvider time, ILogger logger)
{
    public string Name { get; } = options.Name ?? options.File ?? options.Url!;

    public async Task<PriceQuote> ReadAsync(CancellationToken cancellationToken)
    {
        string content;
        try
        {
            if (options.File is { } file)
            {
                content = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                content = await http.GetStringAsync(new Uri(options.Url!), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or HttpRequestException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("price source {Source} failed: {Error}", Name, e.GetBaseException().Message);
            return PriceQuote.Failed(Name, e.GetBaseException().Message);
        }

        if (!PriceText.TryParse(content, options.Field, out var price, out var updatedAt, out var error))
        {
            return PriceQuote.Failed(Name, error);
        }

        if (updatedAt is { } at && time.GetUtcNow().ToUnixTimeSeconds() - at > (long)options.MaxAge.TotalSeconds)
        {
            return PriceQuote.Failed(Name, $"its price is {time.GetUtcNow().ToUnixTimeSeconds() - at} s old (MaxAge {options.MaxAge})");
        }

        return PriceQuote.Of(Name, price);
    }
}

namespace Arbitration.Api.ReadModel;

/// <summary>
/// What the projection reads from the chain besides the events themselves: block times (events carry none) and the
/// exchange's circuit-breaker reference (a trade moves it without an event). Only the indexer reads these; the API's
/// reads come from the database.
/// </summary>
internal interface IChainFacts
{
    /// <summary>The timestamp and hash of each block in <paramref name="blocks"/>.</summary>
    Task<IReadOnlyDictionary<ulong, (ulong Time, string Hash)>> BlocksAsync(IReadOnlyCollection<ulong> blocks, CancellationToken cancellationToken);

    /// <summary><c>TokenExchange.referencePrice(feed)</c> as of block <paramref name="block"/>.</summary>
    Task<ExchangeReference> ReferenceAsync(string feed, ulong block, CancellationToken cancellationToken);
}

namespace EvidenceCollector.Ingestion;

/// <summary>Where ingestion learns a session's parties (the chain; a table in unit tests of the ingestion alone).</summary>
internal interface ISessionDirectory
{
    /// <summary>The session, or null when no such session was opened.</summary>
    /// <exception cref="Exception">The chain could not be read (transient: the delivery is retried).</exception>
    Task<OnChainSession?> FindAsync(ulong sessionId, CancellationToken cancellationToken);
}

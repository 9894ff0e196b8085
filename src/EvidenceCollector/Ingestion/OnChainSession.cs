namespace EvidenceCollector.Ingestion;

/// <summary>A session as the SessionManager opened it: who may sign its evidence, and when it opened.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Provider">The provider's address: the only checkpoint signer.</param>
/// <param name="Client">The client's address: the only voucher signer.</param>
/// <param name="OpenedAt">When it opened (Unix seconds).</param>
internal sealed record OnChainSession(ulong SessionId, string Provider, string Client, ulong OpenedAt);

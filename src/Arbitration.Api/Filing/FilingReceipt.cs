namespace Arbitration.Api.Filing;

/// <summary>The answer to a filing: the dispute it created on-chain. The same signed filing sent again gets the same receipt.</summary>
/// <param name="DisputeId">The dispute's id.</param>
/// <param name="SessionId">The session.</param>
/// <param name="Filer">The filer.</param>
/// <param name="TransactionHash">The relayed <c>fileFor</c> transaction.</param>
/// <param name="BlockNumber">Its block.</param>
/// <param name="Digest">The filing's EIP-712 digest (its identity here).</param>
public sealed record FilingReceipt(long DisputeId, long SessionId, string Filer, string TransactionHash, long BlockNumber, string Digest);

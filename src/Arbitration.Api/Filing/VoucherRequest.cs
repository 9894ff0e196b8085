namespace Arbitration.Api.Filing;

/// <summary>A client's voucher committing to an evidence log root (docs/protocol.md §2).</summary>
public sealed record VoucherRequest(string SessionId, string CumulativeAmount, long CumulativeBytes, long LogSize, string LogRoot);

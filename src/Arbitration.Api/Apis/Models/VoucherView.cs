namespace Arbitration.Api.Apis.Models;

/// <summary>A voucher settled on-chain.</summary>
public sealed record VoucherView(long Block, long Time, string TransactionHash, string CumulativeAmount, string Paid, string CumulativeBytes, long LogSize, string LogRoot);

namespace Arbitration.Api.Apis.Models;

/// <summary>What a session paid and metered, as settled on-chain.</summary>
/// <param name="Paid">Paid to the provider so far.</param>
/// <param name="Refunded">Refunded to the client at the close.</param>
/// <param name="Penalized">Taken by rulings.</param>
/// <param name="CumulativeAmount">The highest voucher settled.</param>
/// <param name="CumulativeBytes">The traffic that voucher pays for.</param>
/// <param name="VouchersSettled">Settlements so far.</param>
/// <param name="LogSize">The evidence log size the latest voucher commits to.</param>
/// <param name="LogRoot">Its root.</param>
public sealed record SessionPayments(string Paid, string Refunded, string Penalized, string CumulativeAmount, string CumulativeBytes,
    int VouchersSettled, long LogSize, string? LogRoot);

using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Exchange;

/// <summary>Client → provider: the voucher answering epoch <see cref="Sequence"/>.</summary>
internal sealed record VoucherMessage(ulong SessionId, ulong Sequence, SignedVoucher Voucher);

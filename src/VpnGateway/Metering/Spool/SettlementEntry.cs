using System.Numerics;
using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Spool;

/// <summary>What the spool knows about settling one session on-chain (<see cref="EvidenceSpool.Settlement"/>).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Role">This gateway's side.</param>
/// <param name="OnChain">Whether the session is a SessionManager session (a pinned link is not settled on-chain).</param>
/// <param name="Voucher">The latest voucher the client signed (highest cumulative amount), kept until it is redeemed; null when none came.</param>
/// <param name="VoucherAmount">Its cumulative amount (0 without a voucher).</param>
/// <param name="RedeemedAmount">What the SessionManager has paid the provider for the session, as last seen or sent.</param>
/// <param name="Ended">The session ended on this gateway: it is closed on-chain next.</param>
/// <param name="CloseDeadline">The end of the challenge window of a client's close (Unix seconds; 0: none started).</param>
/// <param name="Closed">The session is closed on-chain: nothing left to do.</param>
/// <param name="PendingAction">The transaction being sent (<c>settle</c>, <c>close</c>, <c>start-close</c>, <c>finalize</c>), null when none.</param>
/// <param name="PendingAmount">The cumulative amount the pending transaction redeems.</param>
/// <param name="LastTransaction">The hash of the last transaction that succeeded.</param>
/// <param name="LastError">Why the last attempt failed, or null.</param>
/// <param name="Attempts">Failed attempts since the last success.</param>
/// <param name="NextAttemptMs">When the next attempt is due (Unix milliseconds).</param>
internal sealed record SettlementEntry(
    ulong SessionId,
    SettlementRole Role,
    bool OnChain,
    SignedVoucher? Voucher,
    BigInteger VoucherAmount,
    BigInteger RedeemedAmount,
    bool Ended,
    ulong CloseDeadline,
    bool Closed,
    string? PendingAction,
    BigInteger PendingAmount,
    string? LastTransaction,
    string? LastError,
    int Attempts,
    long NextAttemptMs)
{
    /// <summary>What the latest voucher adds to what was redeemed.</summary>
    public BigInteger Unredeemed => VoucherAmount > RedeemedAmount ? VoucherAmount - RedeemedAmount : BigInteger.Zero;
}

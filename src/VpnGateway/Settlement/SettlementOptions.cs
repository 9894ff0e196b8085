using System.Globalization;
using System.Numerics;

namespace VpnGateway.Settlement;

/// <summary>
/// On-chain settlement of sessions (section <c>Settlement</c>; docs/gateway.md, "Settlement"): the provider redeems the
/// client's vouchers and closes sessions, the client closes its session when it disconnects.
/// </summary>
public sealed class SettlementOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Settlement";

    /// <summary>
    /// Whether the gateway settles its on-chain sessions (default true). It does so when it meters, has a chain node and
    /// its Ethereum key; false leaves it to the operator (<c>oracle session close</c>, <c>settle</c>, <c>start-close</c>).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Provider: how often open sessions are looked at (default 15 s); an ended session or a client's close is acted on at once.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Provider: a running session's latest voucher is redeemed (<c>settleVoucher</c>) once it adds at least this much
    /// to what the SessionManager paid, VPN base units as a decimal integer (default 10^18, 1 VPN); 0 settles running
    /// sessions only before they expire.
    /// </summary>
    public string Threshold { get; set; } = "1000000000000000000";

    /// <summary>
    /// Provider: a running session's unredeemed voucher is redeemed this long before the session reaches the
    /// SessionManager's <c>maxSessionDuration</c> (default 1 h; after it, <c>settleVoucher</c> is refused and only a close pays).
    /// </summary>
    public TimeSpan SettleBeforeExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first delay after a failed transaction, doubled per failure up to <see cref="MaxRetryDelay"/> (default 5 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest delay between attempts (default 5 min).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Provider: a session marked ended by a last checkpoint that never finished its ending (the gateway crashed in it)
    /// counts as ended this long after (default 60 s), so it is closed all the same.
    /// </summary>
    public TimeSpan EndedGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Client: after its session ended, how long <c>connect</c> waits for the provider's cooperative close before it starts
    /// closing the session itself (<c>startClose</c>; default 10 s).
    /// </summary>
    public TimeSpan CooperativeCloseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Client: when the provider does not answer a <c>startClose</c>, <c>connect</c> waits for the challenge window and
    /// finalizes the close itself if the window ends within this time (default 0: it does not wait; the next
    /// <c>connect</c> on the same spool, or <c>oracle session finalize-close</c>, finalizes it).
    /// </summary>
    public TimeSpan FinalizeWait { get; set; } = TimeSpan.Zero;

    /// <summary>Provider: the chain watcher's cursor (SQLite; default: the metering spool's path with <c>.chain-cursor</c> appended).</summary>
    public string? CursorPath { get; set; }

    /// <summary><see cref="Threshold"/> as a number.</summary>
    /// <exception cref="FormatException">It is not a non-negative decimal integer.</exception>
    public BigInteger ThresholdAmount => BigInteger.TryParse(Threshold, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
        ? t
        : throw new FormatException($"Settlement:Threshold '{Threshold}' is not a non-negative whole number of VPN base units");
}

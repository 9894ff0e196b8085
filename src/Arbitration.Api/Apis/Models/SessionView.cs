namespace Arbitration.Api.Apis.Models;

/// <summary>A session: parties, terms, start and stop, payments, evidence anchors and disputes.</summary>
/// <param name="SessionId">The id.</param>
/// <param name="Client">The client.</param>
/// <param name="Provider">The provider.</param>
/// <param name="Status">Open, Closing or Closed.</param>
/// <param name="OpenedAt">When it opened.</param>
/// <param name="OpenedTransaction">The opening transaction.</param>
/// <param name="CloseDeadline">While Closing: the provider's last moment to answer.</param>
/// <param name="ClosedAt">When it closed.</param>
/// <param name="EndsAt">When it stops being served (opened + the longest session).</param>
/// <param name="DisputeWindowEndsAt">The last moment for claims against the provider.</param>
/// <param name="Panel">The named panel (empty: drawn committees).</param>
/// <param name="Terms">The hash-committed terms, for contract calls.</param>
/// <param name="Payments">What was paid and metered.</param>
/// <param name="OpenDisputes">Disputes not executed yet.</param>
/// <param name="Disputes">The disputes filed on it, oldest first.</param>
/// <param name="Vouchers">The vouchers settled, newest first (at most 100).</param>
/// <param name="Anchors">Evidence log roots anchored while the session ran (at most 100, newest first).</param>
/// <param name="AsOf">The read model's position.</param>
public sealed record SessionView(long SessionId, string Client, string Provider, string Status, long OpenedAt, string OpenedTransaction, long? CloseDeadline,
    long? ClosedAt, long EndsAt, long DisputeWindowEndsAt, IReadOnlyList<string> Panel, SessionTermsView Terms, SessionPayments Payments, int OpenDisputes,
    IReadOnlyList<long> Disputes, IReadOnlyList<VoucherView> Vouchers, IReadOnlyList<AnchorView> Anchors, ChainPosition AsOf);

namespace EvidenceCollector.Retention;

/// <summary>
/// When a session's records may be deleted: its provider's liability ends <c>disputeWindow</c> after the earlier of
/// its close and <c>openedAt + maxSessionDuration</c> (ISessionManager), nothing can be claimed about it after that,
/// and the records are kept for the grace beyond; never while a dispute about the session is open.
/// </summary>
internal static class RetentionRule
{
    /// <summary>The Unix time after which the records may go, or null while a dispute is open.</summary>
    /// <param name="openedAt">The session's opening (Unix seconds).</param>
    /// <param name="closedAt">Its close (0 while open).</param>
    /// <param name="openDisputes">Disputes about it still open.</param>
    /// <param name="maxSessionDuration">The SessionManager's longest session (seconds).</param>
    /// <param name="disputeWindow">The SessionManager's dispute window (seconds).</param>
    /// <param name="grace">The collector's extra time.</param>
    public static ulong? RecordsExpireAt(ulong openedAt, ulong closedAt, byte openDisputes, ulong maxSessionDuration, ulong disputeWindow, TimeSpan grace)
    {
        if (openDisputes > 0)
        {
            return null;
        }

        var end = openedAt + maxSessionDuration;
        if (closedAt != 0 && closedAt < end)
        {
            end = closedAt;
        }

        return end + disputeWindow + (ulong)grace.TotalSeconds;
    }
}

using System.Collections.Concurrent;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// The latest head (size, root, compact range) of each session log this process committed, so a group's consistency
/// checks need no read of the compact ranges: the store locks the sessions' rows and compares their size and root with
/// the cached ones in the same query, and reads a range only when they differ (another process stored a batch, or the
/// session is new here). A wrong entry can cost a read, never a wrong decision. Bounded: cleared when it grows too large.
/// </summary>
internal sealed class SessionHeadCache
{
    private const int MaxSessions = 200_000;
    private readonly ConcurrentDictionary<long, SessionHead> _heads = new();

    /// <summary>The cached head of session <paramref name="sessionKey"/> (its database key), if any.</summary>
    public SessionHead? Get(long sessionKey) => _heads.GetValueOrDefault(sessionKey);

    /// <summary>Remembers the head of <paramref name="sessionKey"/> after a commit.</summary>
    public void Set(long sessionKey, SessionHead head)
    {
        if (_heads.Count >= MaxSessions)
        {
            _heads.Clear();
        }

        // Workers committing one after the other may report out of order: keep the larger head.
        _heads.AddOrUpdate(sessionKey, head, (_, held) => held.Size > head.Size ? held : head);
    }
}

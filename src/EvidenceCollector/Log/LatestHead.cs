namespace EvidenceCollector.Log;

/// <summary>
/// The global log's latest signed checkpoint as this process's sequencer last committed (or read under the head row's
/// lock) it, while this process leads: only the leader moves the head, so the read API, the tiles and anchoring take it
/// from here instead of reading the head row per request. A process that does not lead has none (it reads the row).
/// </summary>
internal sealed class LatestHead
{
    private LogHead? _head;

    /// <summary>The head, while this process leads and its sequencer has stepped at least once.</summary>
    public LogHead? Current => Volatile.Read(ref _head);

    /// <summary>The sequencer committed (or found) <paramref name="head"/>.</summary>
    public void Publish(LogHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        LogHead? seen;
        do
        {
            seen = Volatile.Read(ref _head);
            if (seen is not null && seen.TreeSize > head.TreeSize)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _head, head, seen) != seen);
    }

    /// <summary>Leadership ended: the head may move elsewhere now.</summary>
    public void Clear() => Volatile.Write(ref _head, null);
}

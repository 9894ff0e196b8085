namespace EvidenceCollector.Log;

/// <summary>
/// The protocol's unsigned 64-bit numbers in PostgreSQL bigint columns: session ids by their two's complement (one to
/// one), sizes and indexes as they are (always below 2^63 here).
/// </summary>
internal static class DbIds
{
    /// <summary>A session id as stored.</summary>
    public static long Session(ulong sessionId) => unchecked((long)sessionId);

    /// <summary>A stored session id.</summary>
    public static ulong Session(long stored) => unchecked((ulong)stored);

    /// <summary>A size or index as stored.</summary>
    /// <exception cref="OverflowException">Above 2^63 - 1 (no log of ours gets there).</exception>
    public static long Size(ulong size) => checked((long)size);
}

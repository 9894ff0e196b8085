namespace EvidenceCollector.Ingestion;

/// <summary>
/// Where an answer to a batch goes: the gateway's acknowledgement address (docs/protocol.md §5.4, <c>queue:&lt;name&gt;</c>)
/// as the exchange of that name, which the gateway's receive endpoint binds to its queue. The collector never declares
/// the queue itself: the gateway owns it and its type (a quorum queue on a cluster would refuse a redeclaration as a
/// classic one, and a made-up response address must not make the collector create durable queues that fill up).
/// </summary>
internal static class AnswerAddress
{
    /// <summary>The address the answer to a batch with <paramref name="responseAddress"/> is sent to.</summary>
    public static Uri For(Uri responseAddress)
    {
        ArgumentNullException.ThrowIfNull(responseAddress);
        if (string.Equals(responseAddress.Scheme, "queue", StringComparison.OrdinalIgnoreCase) && responseAddress.Query.Length == 0)
        {
            return new Uri("exchange:" + responseAddress.AbsolutePath);
        }

        return responseAddress;
    }
}

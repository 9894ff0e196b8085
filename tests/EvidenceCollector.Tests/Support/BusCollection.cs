namespace EvidenceCollector.Tests.Support;

/// <summary>
/// Tests that publish evidence batches: they share the <c>oracle.evidence-batch</c> exchange (every collector's queue
/// bound to it gets every batch), so they run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BusCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "collector bus";
}

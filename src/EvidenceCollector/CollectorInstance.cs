namespace EvidenceCollector;

/// <summary>This collector process's name (<c>Collector:Instance</c>, default host name and process id): in acknowledgements, logs and the log head.</summary>
/// <param name="Name">The name.</param>
internal sealed record CollectorInstance(string Name);

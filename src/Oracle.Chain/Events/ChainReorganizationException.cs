namespace Oracle.Chain.Events;

/// <summary>
/// The chain no longer has any block a watcher remembers: the reorganization is deeper than its memory
/// (<see cref="ChainWatcherOptions.RememberedBlocks"/>), or the node is on another chain. The watcher cannot know what
/// to undo, so it stops; an operator decides (raise the confirmations, or rebuild the service's state).
/// </summary>
public sealed class ChainReorganizationException(string message) : Exception(message);

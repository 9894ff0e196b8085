using System.Collections.Concurrent;

namespace Oracle.Core.Merkle;

/// <summary>An <see cref="IMerkleNodeStore"/> in memory (tests, tools); counts the calls so tests can check the O(log n) reads.</summary>
public sealed class MemoryMerkleNodeStore : IMerkleNodeStore
{
    private readonly ConcurrentDictionary<MerkleNodeId, byte[]> _nodes = new();
    private int _reads;

    /// <summary>How many nodes are held.</summary>
    public int Count => _nodes.Count;

    /// <summary>How many <see cref="ReadAsync"/> calls were made.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <inheritdoc/>
    public ValueTask ReadAsync(IReadOnlyList<MerkleNodeId> nodes, Memory<byte> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _reads);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!_nodes.TryGetValue(nodes[i], out var hash))
            {
                throw new KeyNotFoundException($"Merkle node {nodes[i]} was never written");
            }

            hash.CopyTo(hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(IReadOnlyList<MerkleNodeId> nodes, ReadOnlyMemory<byte> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        cancellationToken.ThrowIfCancellationRequested();
        for (var i = 0; i < nodes.Count; i++)
        {
            var hash = hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size).ToArray();
            var held = _nodes.GetOrAdd(nodes[i], hash);
            if (!held.AsSpan().SequenceEqual(hash))
            {
                throw new InvalidOperationException($"Merkle node {nodes[i]} is already held with another hash: the log forked");
            }
        }

        return ValueTask.CompletedTask;
    }
}

using System.Diagnostics;
using System.Text.Json;
using EvidenceCollector.Log;
using Npgsql;
using Oracle.Chain.Contracts;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Audit;

/// <summary>
/// Checks a collector's store against its anchors, like a Certificate Transparency monitor: every anchor of the log
/// (read from the chain) must be the root the stored leaves give at that size, consecutive anchors must be consistent,
/// every signed checkpoint of the global log too; every global leaf must be its batch's checkpoint, every stored node
/// the hash of its leaves; every session log must be whole (leaves without gaps, records present until their retention
/// ended), give each of its checkpoints' roots, and carry the gateway's and the client's signatures. Logs are rebuilt
/// in O(log n) memory (compact ranges) from pages of rows, so any size of store can be audited.
/// </summary>
internal sealed class LogAuditor(NpgsqlDataSource database, TypedDataDomain domain, IReadOnlyList<Anchor> anchors, NoteKey? verifierKey, TextWriter progress)
{
    private const int Page = 10_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();

    /// <summary>Runs every check.</summary>
    public async Task<AuditReport> AuditAsync(CancellationToken cancellationToken)
    {
        var report = new AuditReport { Anchors = anchors.Count };
        await AuditGlobalLogAsync(report, cancellationToken);
        await AuditSessionsAsync(report, cancellationToken);
        return report;
    }

    private async Task AuditGlobalLogAsync(AuditReport report, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var head = await Sequencer.ReadHeadAsync(connection, null, forUpdate: false, cancellationToken);
        var size = head?.TreeSize ?? 0;
        var signed = new Dictionary<ulong, (byte[] Root, string Note)>();
        await using (var command = new NpgsqlCommand("SELECT tree_size, root, checkpoint FROM checkpoints", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                signed[(ulong)reader.GetInt64(0)] = ((byte[])reader[1], reader.GetString(2));
            }
        }

        report.Checkpoints = signed.Count;
        foreach (var (treeSize, (root, note)) in signed)
        {
            CheckNote(report, treeSize, root, note);
        }

        var anchored = anchors.GroupBy(a => a.TreeSize).ToDictionary(g => g.Key, g => g.Select(a => a.Root).ToList());
        foreach (var anchor in anchors.Where(a => a.TreeSize > size))
        {
            report.Findings.Add(new(AuditFindingKind.Missing, $"global log at {anchor.TreeSize} leaves", $"anchored on-chain, but the store holds {size} leaves"));
        }

        for (var i = 1; i < anchors.Count; i++)
        {
            if (anchors[i].TreeSize <= anchors[i - 1].TreeSize)
            {
                report.Findings.Add(new(AuditFindingKind.Fork, $"anchor {i + 1}", $"size {anchors[i].TreeSize} after {anchors[i - 1].TreeSize}: anchored sizes must grow"));
            }
        }

        var range = CompactRange.Empty;
        var nodes = new List<(MerkleNodeId Node, byte[] Hash)>();
        ulong next = 0;
        var broken = false;
        while (next < size && !broken)
        {
            var rows = 0;
            await using var command = new NpgsqlCommand(
                "SELECT l.leaf_index, l.leaf_hash, l.leaf, b.session_id, b.tree_size, b.root, b.epoch_time, b.capture_drops, b.checkpoint_signature, b.log_index " +
                "FROM log_leaves l LEFT JOIN batches b ON b.batch_id = l.batch_id WHERE l.leaf_index >= @from AND l.leaf_index < @size ORDER BY l.leaf_index LIMIT @page", connection);
            command.Parameters.AddWithValue("from", DbIds.Size(next));
            command.Parameters.AddWithValue("size", DbIds.Size(size));
            command.Parameters.AddWithValue("page", Page);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    var index = (ulong)reader.GetInt64(0);
                    if (index != next)
                    {
                        report.Findings.Add(new(AuditFindingKind.Gap, $"global log leaf {next}", $"leaves {next} to {index - 1} are missing; the log cannot be rebuilt past them"));
                        broken = true;
                        break;
                    }

                    var leaf = (byte[])reader[2];
                    var leafHash = MerkleHash.Leaf(leaf);
                    if (!leafHash.AsSpan().SequenceEqual((byte[])reader[1]))
                    {
                        report.Findings.Add(new(AuditFindingKind.Tampered, $"global log leaf {index}", "its stored leaf hash is not SHA-256(0x00 ‖ leaf)"));
                    }

                    if (reader.IsDBNull(3))
                    {
                        report.Findings.Add(new(AuditFindingKind.Missing, $"global log leaf {index}", "the batch it was made from is not in the store"));
                    }
                    else
                    {
                        var expected = CheckpointLeafEncoding.Encode((ulong)domain.ChainId, Address(domain.VerifyingContract), DbIds.Session(reader.GetInt64(3)), (ulong)reader.GetInt64(4),
                            (byte[])reader[5], (ulong)reader.GetInt64(6), (ulong)reader.GetInt64(7), (byte[])reader[8]);
                        if (!expected.AsSpan().SequenceEqual(leaf))
                        {
                            report.Findings.Add(new(AuditFindingKind.Tampered, $"global log leaf {index}", "the leaf is not the checkpoint of the batch it names"));
                        }

                        if (reader.IsDBNull(9) || (ulong)reader.GetInt64(9) != index)
                        {
                            report.Findings.Add(new(AuditFindingKind.Tampered, $"global log leaf {index}", "its batch names another index"));
                        }
                    }

                    range.Append(leafHash, (node, hash) =>
                    {
                        if (node.Level >= PostgresMerkleNodeStore.StrideLevel)
                        {
                            nodes.Add((node, hash));
                        }
                    });
                    next++;
                    report.GlobalLeaves = next;
                    CheckRoot(report, range, anchored, signed);
                    Progress($"global log {next}/{size} leaves ({100.0 * next / Math.Max(size, 1):0} %)");
                }
            }

            if (rows == 0 && next < size)
            {
                report.Findings.Add(new(AuditFindingKind.Gap, $"global log leaf {next}", $"leaves {next} to {size - 1} are missing (the head says {size})"));
                broken = true;
            }

            await CheckNodesAsync(connection, report, "log_nodes", null, nodes, "global log", cancellationToken);
            nodes.Clear();
        }

        if (!broken && head is not null && !range.Root().AsSpan().SequenceEqual(head.Root))
        {
            report.Findings.Add(new(AuditFindingKind.Fork, $"global log at {size} leaves", "the head's root is not the root of the stored leaves"));
        }

        // Consecutive anchors, as a monitor checks them: a consistency proof from the stored tree between each pair.
        var tree = new StoredMerkleTree(new PostgresMerkleNodeStore(connection, null, MerkleTables.Global));
        for (var i = 1; i < anchors.Count && !broken; i++)
        {
            var (a, b) = (anchors[i - 1], anchors[i]);
            if (b.TreeSize > size || a.TreeSize >= b.TreeSize)
            {
                continue;
            }

            try
            {
                var proof = await tree.ConsistencyProofAsync(a.TreeSize, b.TreeSize, cancellationToken);
                if (!MerkleProofs.VerifyConsistency(a.TreeSize, b.TreeSize, a.Root, b.Root, proof))
                {
                    report.Findings.Add(new(AuditFindingKind.Fork, $"anchors at {a.TreeSize} and {b.TreeSize} leaves", "the stored log gives no consistency proof between the anchored roots"));
                }
            }
            catch (KeyNotFoundException e)
            {
                report.Findings.Add(new(AuditFindingKind.Missing, $"anchors at {a.TreeSize} and {b.TreeSize} leaves", e.Message));
            }
        }

        await using (var unsequenced = new NpgsqlCommand("SELECT count(*) FROM batches WHERE log_index IS NULL", connection))
        {
            report.Unsequenced = (long)(await unsequenced.ExecuteScalarAsync(cancellationToken))!;
        }
    }

    private async Task AuditSessionsAsync(AuditReport report, CancellationToken cancellationToken)
    {
        var sessions = new List<(long Key, string Gateway, string? Client, ulong TreeSize, byte[] Root, bool Pruned)>();
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT session_id, gateway, client, tree_size, root, records_pruned_at IS NOT NULL FROM sessions ORDER BY session_id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sessions.Add((reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), (ulong)reader.GetInt64(3), (byte[])reader[4], reader.GetBoolean(5)));
            }
        }

        foreach (var session in sessions)
        {
            await AuditSessionAsync(connection, report, session, cancellationToken);
            report.Sessions++;
            Progress($"sessions {report.Sessions}/{sessions.Count}");
        }
    }

    private async Task AuditSessionAsync(NpgsqlConnection connection, AuditReport report,
        (long Key, string Gateway, string? Client, ulong TreeSize, byte[] Root, bool Pruned) session, CancellationToken cancellationToken)
    {
        var sessionId = DbIds.Session(session.Key);
        var where = $"session {sessionId}";
        var checkpoints = new List<(ulong First, SignedCheckpoint Checkpoint, SignedVoucher? Voucher)>();
        await using (var command = new NpgsqlCommand(
            "SELECT first_leaf_index, tree_size, root, epoch_time, capture_drops, checkpoint_signature, voucher::text FROM batches WHERE session_id = @s ORDER BY tree_size", connection))
        {
            command.Parameters.AddWithValue("s", session.Key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                checkpoints.Add(((ulong)reader.GetInt64(0), new SignedCheckpoint
                {
                    TreeSize = (ulong)reader.GetInt64(1),
                    Root = (byte[])reader[2],
                    EpochTime = (ulong)reader.GetInt64(3),
                    CaptureDrops = (ulong)reader.GetInt64(4),
                    Signature = "0x" + Convert.ToHexStringLower((byte[])reader[5]),
                }, reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<SignedVoucher>(reader.GetString(6), Json)));
            }
        }

        ulong previous = 0;
        foreach (var (first, checkpoint, voucher) in checkpoints)
        {
            report.SessionCheckpoints++;
            if (first != previous)
            {
                report.Findings.Add(new(first > previous ? AuditFindingKind.Gap : AuditFindingKind.Fork, $"{where} checkpoint {checkpoint.TreeSize}",
                    $"it starts at leaf {first}, the checkpoint before it ends at {previous}"));
            }

            if (!TypedDataSigner.Verify(checkpoint.ToCheckpoint(sessionId), domain, checkpoint.Signature, session.Gateway))
            {
                report.Findings.Add(new(AuditFindingKind.Tampered, $"{where} checkpoint {checkpoint.TreeSize}", "not signed by the session's gateway"));
            }

            if (voucher is not null && (session.Client is null || voucher.LogSize != checkpoint.TreeSize || !voucher.LogRoot.AsSpan().SequenceEqual(checkpoint.Root)
                || !TypedDataSigner.Verify(voucher.ToVoucher(sessionId), domain, voucher.Signature, session.Client)))
            {
                report.Findings.Add(new(AuditFindingKind.Tampered, $"{where} checkpoint {checkpoint.TreeSize}", "its voucher does not commit to it or is not signed by the session's client"));
            }

            previous = checkpoint.TreeSize;
        }

        if (previous != session.TreeSize)
        {
            report.Findings.Add(new(AuditFindingKind.Missing, where, $"the session's head has {session.TreeSize} leaves, its checkpoints reach {previous}"));
        }

        await using (var beyond = new NpgsqlCommand("SELECT count(*) FROM leaves WHERE session_id = @s AND leaf_index >= @size", connection))
        {
            beyond.Parameters.AddWithValue("s", session.Key);
            beyond.Parameters.AddWithValue("size", DbIds.Size(session.TreeSize));
            if ((long)(await beyond.ExecuteScalarAsync(cancellationToken))! is > 0 and var extra)
            {
                report.Findings.Add(new(AuditFindingKind.Tampered, where, $"{extra} leaves are stored beyond the session's head of {session.TreeSize} leaves"));
            }
        }

        var roots = checkpoints.ToDictionary(c => c.Checkpoint.TreeSize, c => c.Checkpoint.Root);
        var range = CompactRange.Empty;
        var nodes = new List<(MerkleNodeId Node, byte[] Hash)>();
        ulong next = 0;
        while (next < session.TreeSize)
        {
            var rows = 0;
            await using (var command = new NpgsqlCommand(
                "SELECT leaf_index, leaf_hash, record FROM leaves WHERE session_id = @s AND leaf_index >= @from AND leaf_index < @size ORDER BY leaf_index LIMIT @page", connection))
            {
                command.Parameters.AddWithValue("s", session.Key);
                command.Parameters.AddWithValue("from", DbIds.Size(next));
                command.Parameters.AddWithValue("size", DbIds.Size(session.TreeSize));
                command.Parameters.AddWithValue("page", Page);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    var index = (ulong)reader.GetInt64(0);
                    if (index != next)
                    {
                        report.Findings.Add(new(AuditFindingKind.Gap, $"{where} leaf {next}", $"leaves {next} to {index - 1} are missing"));
                        return;
                    }

                    var leafHash = (byte[])reader[1];
                    if (reader.IsDBNull(2))
                    {
                        if (!session.Pruned)
                        {
                            report.Findings.Add(new(AuditFindingKind.Missing, $"{where} leaf {index}", "its record is gone before the session's retention ended"));
                        }
                    }
                    else if (((byte[])reader[2]).Length == FlowRecordEncoding.Size && !MerkleHash.Leaf((byte[])reader[2]).AsSpan().SequenceEqual(leafHash))
                    {
                        // A plain encoded record (not sealed) is checked against its leaf hash too.
                        report.Findings.Add(new(AuditFindingKind.Tampered, $"{where} leaf {index}", "its record does not hash to its leaf hash"));
                    }

                    range.Append(leafHash, (node, hash) =>
                    {
                        if (node.Level >= PostgresMerkleNodeStore.StrideLevel)
                        {
                            nodes.Add((node, hash));
                        }
                    });
                    next++;
                    report.SessionLeaves++;
                    if (roots.TryGetValue(range.Size, out var root) && !range.Root().AsSpan().SequenceEqual(root))
                    {
                        report.Findings.Add(new(AuditFindingKind.Fork, $"{where} checkpoint {range.Size}", "the stored leaves do not give the signed root"));
                    }
                }
            }

            if (rows == 0)
            {
                report.Findings.Add(new(AuditFindingKind.Gap, $"{where} leaf {next}", $"leaves {next} to {session.TreeSize - 1} are missing"));
                return;
            }

            await CheckNodesAsync(connection, report, "session_nodes", session.Key, nodes, where, cancellationToken);
            nodes.Clear();
        }

        if (session.TreeSize > 0 && !range.Root().AsSpan().SequenceEqual(session.Root))
        {
            report.Findings.Add(new(AuditFindingKind.Fork, where, "the session's head root is not the root of its stored leaves"));
        }
    }

    private static async Task CheckNodesAsync(NpgsqlConnection connection, AuditReport report, string table, long? session, List<(MerkleNodeId Node, byte[] Hash)> nodes,
        string where, CancellationToken cancellationToken)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        var held = new Dictionary<MerkleNodeId, byte[]>();
        await using (var command = new NpgsqlCommand(
            $"SELECT n.level, n.node_index, n.hash FROM unnest(@levels, @indexes) AS w(level, node_index) JOIN {table} n ON n.level = w.level AND n.node_index = w.node_index" +
            (session is null ? "" : " AND n.session_id = @s"), connection))
        {
            command.Parameters.AddWithValue("levels", nodes.Select(n => (short)n.Node.Level).ToArray());
            command.Parameters.AddWithValue("indexes", nodes.Select(n => (long)n.Node.Index).ToArray());
            if (session is { } s)
            {
                command.Parameters.AddWithValue("s", s);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                held[new MerkleNodeId(reader.GetInt16(0), (ulong)reader.GetInt64(1))] = (byte[])reader[2];
            }
        }

        foreach (var (node, hash) in nodes)
        {
            if (!held.TryGetValue(node, out var stored))
            {
                report.Findings.Add(new(AuditFindingKind.Missing, $"{where} node {node}", "a stored subtree hash is missing (proofs through it fail)"));
            }
            else if (!stored.AsSpan().SequenceEqual(hash))
            {
                report.Findings.Add(new(AuditFindingKind.Tampered, $"{where} node {node}", "the stored subtree hash is not the hash of its leaves"));
            }
        }
    }

    private static void CheckRoot(AuditReport report, CompactRange range, Dictionary<ulong, List<byte[]>> anchored, Dictionary<ulong, (byte[] Root, string Note)> signed)
    {
        var hasAnchor = anchored.TryGetValue(range.Size, out var anchoredRoots);
        var hasSigned = signed.TryGetValue(range.Size, out var checkpoint);
        if (!hasAnchor && !hasSigned)
        {
            return;
        }

        var root = range.Root();
        foreach (var anchoredRoot in anchoredRoots ?? [])
        {
            if (!anchoredRoot.AsSpan().SequenceEqual(root))
            {
                report.Findings.Add(new(AuditFindingKind.Fork, $"global log at {range.Size} leaves",
                    $"anchored on-chain with root 0x{Convert.ToHexStringLower(anchoredRoot)}, but the stored leaves give 0x{Convert.ToHexStringLower(root)}"));
            }
        }

        if (hasSigned && !checkpoint.Root.AsSpan().SequenceEqual(root))
        {
            report.Findings.Add(new(AuditFindingKind.Fork, $"global log at {range.Size} leaves", "a signed checkpoint has another root than the stored leaves give"));
        }
    }

    private void CheckNote(AuditReport report, ulong size, byte[] root, string note)
    {
        if (!SignedNote.TryParse(note, out var signed) || !CheckpointBody.TryParse(signed!.Text, out var body) || body!.TreeSize != size || !body.Root.AsSpan().SequenceEqual(root))
        {
            report.Findings.Add(new(AuditFindingKind.Tampered, $"global log checkpoint {size}", "the stored note is not a checkpoint of this size and root"));
            return;
        }

        if (verifierKey is not null && !verifierKey.Verify(signed))
        {
            report.Findings.Add(new(AuditFindingKind.Tampered, $"global log checkpoint {size}", $"the note is not signed by {verifierKey.Name}"));
        }
    }

    private void Progress(string what)
    {
        if (_progressClock.Elapsed >= TimeSpan.FromSeconds(2))
        {
            progress.WriteLine($"audit: {what}");
            _progressClock.Restart();
        }
    }

    private static byte[] Address(string address) => Convert.FromHexString(address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? address[2..] : address);
}

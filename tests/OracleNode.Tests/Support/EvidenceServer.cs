using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nethereum.Signer;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;

namespace OracleNode.Tests.Support;

/// <summary>
/// An evidence collector's read API (docs/protocol.md §5.6, the paths of src/EvidenceCollector's ProofEndpoints) over
/// the Core proof types, serving session logs a test built, with its own global log of checkpoint leaves anchored in
/// the EvidenceRegistry by a registered collector account on the test's chain. A test makes it lie (records that are
/// not the signed ones), go down (503) or anchor a root other than its log's, per session, to attack the nodes.
/// </summary>
internal sealed class EvidenceServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly TestWorld _world;
    private readonly Party _collector;
    private readonly byte[] _logId = RandomNumberGenerator.GetBytes(32);
    private readonly MerkleTree _global = new();
    private readonly List<ulong> _anchoredSizes = [];
    private readonly Dictionary<ulong, List<Published>> _sessions = [];
    private readonly Dictionary<ulong, Behaviour> _behaviour = [];
    private readonly SemaphoreSlim _anchoring = new(1, 1);
    private WebApplication? _app;

    private EvidenceServer(TestWorld world, Party collector)
    {
        _world = world;
        _collector = collector;
    }

    /// <summary>How the server answers for one session.</summary>
    public enum Behaviour
    {
        /// <summary>Serves what it holds.</summary>
        Honest,

        /// <summary>Answers 503 for everything about the session.</summary>
        Down,

        /// <summary>Serves each record with its verdict flipped (and that record's own leaf hash), under the genuine checkpoint.</summary>
        Lies,
    }

    public string Url { get; private set; } = "";

    /// <summary>Registers a collector account (bond) and starts serving on a loopback port.</summary>
    public static async Task<EvidenceServer> StartAsync(TestWorld world)
    {
        var collector = await world.NewPartyAsync(vpn: 1_100);
        await collector.Token.ApproveAsync(world.AddressOf(ContractNames.EvidenceRegistry), world.Parameters.CollectorMinBond);
        await collector.Evidence.RegisterCollectorAsync(world.Parameters.CollectorMinBond);
        var server = new EvidenceServer(world, collector);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/v1/sessions/{sessionId}/records/{leafIndex}", (ulong sessionId, ulong leafIndex, ulong? treeSize) => server.Record(sessionId, leafIndex, treeSize));
        app.MapGet("/v1/sessions/{sessionId}/checkpoints", (ulong sessionId) => server.Checkpoints(sessionId));
        app.MapGet("/v1/sessions/{sessionId}/checkpoints/{treeSize}/inclusion", (ulong sessionId, ulong treeSize, ulong? size) => server.Inclusion(sessionId, treeSize, size));
        await app.StartAsync();
        server._app = app;
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Makes the server answer for <paramref name="sessionId"/> as <paramref name="behaviour"/> says.</summary>
    public void Set(ulong sessionId, Behaviour behaviour)
    {
        lock (_gate)
        {
            _behaviour[sessionId] = behaviour;
        }
    }

    /// <summary>
    /// Takes the log as it is now: the provider's checkpoint (or one signed by <paramref name="forgedSigner"/>), the
    /// client's voucher when <paramref name="voucher"/>, the records sealed under <paramref name="key"/>; appends the
    /// checkpoint to the global log and anchors it on-chain (the root of another log when <paramref name="anchorForeignRoot"/>).
    /// </summary>
    public async Task PublishAsync(SessionLog log, byte[] key, bool voucher = true, EthECKey? forgedSigner = null, bool anchorForeignRoot = false)
    {
        var checkpoint = log.Checkpoint(signer: forgedSigner);
        var signedVoucher = voucher ? log.Voucher().Signed : null;
        await _anchoring.WaitAsync();
        try
        {
            ulong size;
            byte[] root;
            lock (_gate)
            {
                var leaf = new CheckpointLeaf { ChainId = (ulong)_world.Chain.ChainId, SessionManager = _world.AddressOf(ContractNames.SessionManager), SessionId = log.SessionId, Checkpoint = checkpoint };
                var index = _global.Append(leaf.Encode());
                if (!_sessions.TryGetValue(log.SessionId, out var list))
                {
                    _sessions[log.SessionId] = list = [];
                }

                list.Add(new Published(log, [.. log.Leaves], key, checkpoint, signedVoucher, index));
                size = _global.Size;
                root = anchorForeignRoot ? RandomNumberGenerator.GetBytes(32) : _global.Root();
            }

            await _collector.Evidence.AnchorAsync(_logId, size, root);
            lock (_gate)
            {
                _anchoredSizes.Add(size);
            }
        }
        finally
        {
            _anchoring.Release();
        }
    }

    private IResult Record(ulong sessionId, ulong leafIndex, ulong? treeSize)
    {
        lock (_gate)
        {
            if (Answer(sessionId) is { } refused)
            {
                return refused;
            }

            var published = _sessions[sessionId].Where(p => treeSize is null ? p.Voucher is not null || p == _sessions[sessionId][^1] : p.Checkpoint.TreeSize == treeSize).LastOrDefault();
            if (published is null || leafIndex >= published.Checkpoint.TreeSize)
            {
                return Results.Problem("no such record", statusCode: 404);
            }

            var record = published.Leaves[(int)leafIndex];
            if (_behaviour.GetValueOrDefault(sessionId) == Behaviour.Lies)
            {
                // A record the gateway never signed: the verdict byte flipped (FlowRecordEncoding: version, session, verdict).
                record = [.. record];
                record[9] = (byte)(record[9] == (byte)FlowVerdict.Allowed ? FlowVerdict.Denied : FlowVerdict.Allowed);
            }

            using var sealer = new RecordSealer(published.Key, (ulong)_world.Chain.ChainId, _world.AddressOf(ContractNames.SessionManager), sessionId);
            return Results.Json(new SessionRecordProof
            {
                ChainId = (ulong)_world.Chain.ChainId,
                SessionManager = _world.AddressOf(ContractNames.SessionManager),
                SessionId = sessionId,
                LeafIndex = leafIndex,
                LeafHash = MerkleHash.Leaf(record),
                SealedRecord = sealer.Seal(leafIndex, record),
                InclusionProof = published.Log.Tree.InclusionProof(leafIndex, published.Checkpoint.TreeSize),
                Checkpoint = published.Checkpoint,
                Voucher = published.Voucher,
            });
        }
    }

    private IResult Checkpoints(ulong sessionId)
    {
        lock (_gate)
        {
            return Answer(sessionId) ?? Results.Json(_sessions[sessionId].Select(p => new { checkpoint = p.Checkpoint, voucher = p.Voucher }).ToList());
        }
    }

    private IResult Inclusion(ulong sessionId, ulong treeSize, ulong? size)
    {
        lock (_gate)
        {
            if (Answer(sessionId) is { } refused)
            {
                return refused;
            }

            var published = _sessions[sessionId].FirstOrDefault(p => p.Checkpoint.TreeSize == treeSize);
            var at = size ?? (_anchoredSizes.Count == 0 ? 0 : _anchoredSizes[^1]);
            if (published is null || at <= published.GlobalIndex || !_anchoredSizes.Contains(at))
            {
                return Results.Problem("no such checkpoint at an anchored size", statusCode: 404);
            }

            var leaf = new CheckpointLeaf { ChainId = (ulong)_world.Chain.ChainId, SessionManager = _world.AddressOf(ContractNames.SessionManager), SessionId = sessionId, Checkpoint = published.Checkpoint };
            return Results.Json(new CheckpointInclusionProof
            {
                LogId = _logId,
                Leaf = leaf.Encode(),
                LeafIndex = published.GlobalIndex,
                TreeSize = at,
                InclusionProof = _global.InclusionProof(published.GlobalIndex, at),
            });
        }
    }

    private IResult? Answer(ulong sessionId)
        => !_sessions.ContainsKey(sessionId) ? Results.Problem("unknown session", statusCode: 404)
            : _behaviour.GetValueOrDefault(sessionId) == Behaviour.Down ? Results.Problem("down", statusCode: 503)
            : null;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _anchoring.Dispose();
    }

    private sealed record Published(SessionLog Log, IReadOnlyList<byte[]> Leaves, byte[] Key, SignedCheckpoint Checkpoint, SignedVoucher? Voucher, ulong GlobalIndex);
}

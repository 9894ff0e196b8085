using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Control;
using VpnGateway.Crypto;
using VpnGateway.Network;
using VpnGateway.Providers;
using VpnGateway.Policy;
using VpnGateway.Protocol;
using VpnGateway.Sessions;
using VpnGateway.Transport;

namespace VpnGateway.Tunnel;

/// <summary>
/// The provider's gateway (<c>vpngateway serve</c>): one multiqueue TUN device for every session, with the gateway's
/// tunnel addresses and the pools routed into it; answers handshakes, gives every authorised session its tunnel
/// addresses (and routes its site-to-site LANs to it), enforces the session's policy both ways, ends idle sessions.
/// </summary>
internal sealed partial class GatewayServer : TunnelEngine
{
    private readonly ServerOptions _server;
    private readonly SessionAuthorizer _authorizer;
    private readonly SessionLookupCache _lookups;
    private readonly IProviderDirectory _directory;
    private long _lastSweep;
    private readonly bool _pinnedDirectory;
    private readonly CookieChecker _cookies;
    private readonly HandshakeRateLimiter _rateLimiter;
    private readonly AddressPool _pool;
    private readonly object _contextLock = new();
    private volatile PolicyContext _context;
    private readonly HashSet<ulong> _infoSent = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string> _terminated = new();
    private readonly Dictionary<(string Hash, PolicyContext Context), CompiledPolicy> _compiled = [];
    private readonly SemaphoreSlim _networkGate = new(1, 1);

    /// <summary>How far a new session's initiation timestamp may be from this gateway's clock.</summary>
    private static readonly TimeSpan MaxInitiationSkew = TimeSpan.FromMinutes(10);

    public GatewayServer(EngineServices services, TunnelOptions options, ServerOptions server, IProviderDirectory directory)
        : base(services, options, GatewayRole.Provider)
    {
        _server = server;
        _authorizer = new SessionAuthorizer(directory, server, services.Time);
        _directory = directory;
        _lookups = new SessionLookupCache(directory, services.Time, Logger, StoppingToken);
        _pinnedDirectory = directory is PinnedProviderDirectory;
        _cookies = new CookieChecker(services.Time, server.TunnelKey.PublicKey);
        _rateLimiter = new HandshakeRateLimiter(services.Time, server.HandshakesPerSecond, server.HandshakeBurst);
        _pool = new AddressPool(server.AddressPool, server.AddressPool6);
        _context = new PolicyContext(server.ProviderNetworks);
    }

    public IPAddress GatewayAddress => _pool.Gateway;

    /// <summary>The gateway's IPv6 tunnel address (null without an IPv6 pool).</summary>
    public IPAddress? GatewayAddress6 => _pool.Gateway6;

    /// <summary>The firewall's per-session entries (null: none, as in unit tests); set before the engine starts.</summary>
    public ISessionFirewall? SessionFirewall { get; set; }

    /// <summary>
    /// Creates the shared device (one queue per worker), gives it the gateway's tunnel addresses with the pools on-link
    /// (so the kernel routes every client's tunnel address into it), starts its workers, then the engine's.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var queues = Services.TunFactory.Create(_server.InterfacePattern, Options.Mtu, Math.Max(1, _server.Workers), ipv6: _pool.Pool6 is not null);
        try
        {
            await Services.Network.AddPrefixAddressAsync(queues[0].Name, _pool.Gateway, _pool.Pool.Length, cancellationToken).ConfigureAwait(false);
            if (_pool is { Gateway6: { } gateway6, Pool6: { } pool6 })
            {
                await Services.Network.AddPrefixAddressAsync(queues[0].Name, gateway6, pool6.Length, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var queue in queues)
            {
                queue.Dispose();
            }

            throw;
        }

        AttachDevice(queues);
        Logger.LogInformation("device {Device}: {Queues} queue(s), {Pool}{Pool6} routed into it", queues[0].Name, queues.Count, _pool.Pool,
            _pool.Pool6 is { } p6 ? $" and {p6}" : string.Empty);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override int HandshakeWorkers => Math.Max(1, _server.Workers);

    /// <summary>The context new sessions' policies are compiled with (a running session keeps the one it started with).</summary>
    public PolicyContext PolicyContext => _context;

    /// <summary>
    /// Protects <paramref name="prefixes"/> in the guard of every session that starts from now on (networks that appeared
    /// on the host). A running session keeps the context it was told in its SessionInfo, so its evidence stays a function
    /// of what both ends know; the kernel's firewall closes the new networks to it instead.
    /// </summary>
    public void AddProviderNetworks(IReadOnlyCollection<IpPrefix> prefixes)
    {
        lock (_contextLock)
        {
            _context = new PolicyContext([.. _context.ProviderNetworks, .. prefixes.Where(p => !_context.ProviderNetworks.Contains(p))]);
        }
    }

    protected override async ValueTask HandleHandshakeAsync(byte[] message, UdpEndpoint source, CancellationToken cancellationToken)
    {
        if (message[0] != (byte)MessageType.HandshakeInitiation)
        {
            Drops.Add(DropReason.HandshakeUnexpected);
            return;
        }

        if (!ResponderHandshake.CheckMac1(_cookies.Mac1Key, message, WireFormat.InitiationMac1))
        {
            Drops.Add(DropReason.HandshakeBadMac1);
            return;
        }

        if (HandshakeBacklog >= _server.UnderLoadBacklog && !_cookies.CheckMac2(source, message, WireFormat.InitiationMac2))
        {
            SendCookie(message, source);
            Drops.Add(DropReason.HandshakeCookieRequired);
            return;
        }

        if (!_rateLimiter.Allow(source.Address))
        {
            Drops.Add(DropReason.HandshakeRateLimited);
            return;
        }

        var plaintext = new byte[InitiationPayloadLayout.Size];
        var handshake = ResponderHandshake.TryConsumeInitiation(_server.TunnelKey, message, plaintext);
        if (handshake is null)
        {
            Drops.Add(DropReason.HandshakeInvalid);
            return;
        }

        var payload = InitiationPayloadLayout.Read(plaintext);
        if (_terminated.TryGetValue(payload.SessionId, out var terminated))
        {
            await RefuseOrContinueAsync(payload, handshake, source, $"this gateway terminated the session ({terminated})", cancellationToken).ConfigureAwait(false);
            return;
        }

        var existing = FindSession(payload.SessionId);
        if (existing is null && ShuttingDown)
        {
            return; // no new sessions while stopping; handshakes only renew the keys of ending ones
        }

        if (existing is null && Refusal(payload.SessionId) is { } refusal)
        {
            await RefuseOrContinueAsync(payload, handshake, source, refusal, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (existing?.LastInitiationTimestamp is { } last && !Tai64N.IsAfter(payload.Timestamp, last))
        {
            Drops.Add(DropReason.HandshakeReplay);
            return;
        }

        // With no session to compare against (after a restart, or once a session ended), a recorded initiation could be
        // replayed for as long as its authorisation lasts: one that new must also be close to this gateway's clock.
        if (existing is null && Tai64N.Age(payload.Timestamp, Time).Duration() > MaxInitiationSkew)
        {
            Logger.LogWarning("handshake from {Source} for session {Session} dropped: its timestamp is {Age} off this gateway's clock (more than {Max})",
                source, payload.SessionId, Tai64N.Age(payload.Timestamp, Time), MaxInitiationSkew);
            Drops.Add(DropReason.HandshakeReplay);
            return;
        }

        // The handshake never waits on the directory (the chain): a session's terms are known from an earlier lookup
        // (a running session's are kept fresh in the background, so rekeys never touch the chain), or they are looked up
        // in the background while this initiation waits alone, handled again once the answer is there (docs/gateway.md).
        Lookup<SessionRecord> lookup;
        // A pinned directory is the configuration, in memory: asked inline.
        if (_pinnedDirectory)
        {
            lookup = await _directory.GetSessionAsync(payload.SessionId, cancellationToken).ConfigureAwait(false);
        }
        else if (!_lookups.TryGet(payload.SessionId, out lookup))
        {
            Drops.Add(_lookups.LookUp(payload.SessionId, () => EnqueueHandshake(message, source))
                ? DropReason.HandshakeAwaitingDirectory
                : DropReason.HandshakeDirectoryBusy);
            return;
        }

        var result = _authorizer.Authorize(payload, handshake.InitiatorStatic, lookup);
        if (result.Status == HandshakeStatus.Accepted && existing is null && SessionCount >= _server.MaxSessions)
        {
            result = AuthorizationResult.Reject(HandshakeStatus.NoAddressAvailable, "the gateway serves its maximum number of sessions");
        }

        if (result.Status != HandshakeStatus.Accepted)
        {
            Logger.LogWarning("handshake from {Source} for session {Session} rejected: {Status} ({Detail})", source, payload.SessionId, result.Status, result.Detail);
            Reject(handshake, result.Status, source);
            return;
        }

        var session = existing;
        if (session is null)
        {
            var (created, refused) = CreateSession(payload.SessionId, handshake.InitiatorStatic, result);
            if (created is null)
            {
                Logger.LogWarning("handshake from {Source} for session {Session} rejected: {Status} ({Detail})", source, payload.SessionId, refused!.Value.Status, refused.Value.Detail);
                Reject(handshake, refused.Value.Status, source);
                return;
            }

            session = created;
        }
        else
        {
            session.PeerStatic = handshake.InitiatorStatic;
        }

        session.LastInitiationTimestamp = payload.Timestamp;
        var response = Accepted(session, payload.Suite, result.Session!.PolicyHash);
        var responsePlaintext = new byte[ResponsePayloadLayout.Size];
        response.Write(responsePlaintext);
        var responseMessage = new byte[WireFormat.ResponseSize];
        Span<byte> sendKey = stackalloc byte[32];
        Span<byte> receiveKey = stackalloc byte[32];
        var localIndex = NewIndex();
        if (!handshake.TryCreateResponse(localIndex, responsePlaintext, responseMessage, sendKey, receiveKey))
        {
            Drops.Add(DropReason.HandshakeInvalid);
            return;
        }

        var keypair = new Keypair(session, localIndex, handshake.InitiatorIndex, payload.Suite, sendKey, receiveKey, isInitiator: false, Time.GetTimestamp());
        RegisterKeypair(keypair);
        RetireKeypair(session.InstallResponderKeys(keypair));
        session.SetEndpoint(source);
        PrimaryTransport.Send(responseMessage, source);
        Logger.LogDebug("handshake with session {Session} from {Source} completed", session.SessionId, source);
    }

    // SessionInfo tells the client the evaluation context of its policy and that its data may flow: once the first keys
    // are confirmed and the session runs (metering is ready), whichever comes last.
    protected override void OnKeysConfirmed(TunnelSession session) => SendSessionInfo(session);

    protected override void OnSessionRunning(TunnelSession session) => SendSessionInfo(session);

    protected override async Task PrepareSessionAsync(TunnelSession session, CancellationToken cancellationToken)
    {
        // The gate orders every session's changes (a prefix one session releases while another takes it); the firewall
        // entries are only queued under it, in that order, and awaited outside it, so the sessions starting at once share
        // one nft run instead of waiting for each other's.
        var routes = session.Record?.ClientRoutes ?? [];
        Task? allowed = null;
        await _networkGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var route in routes)
            {
                await Services.Network.AddRouteAsync(DeviceName!, route, cancellationToken).ConfigureAwait(false);
            }

            allowed = SessionFirewall?.AllowSourcesAsync([.. session.RoutedPrefixes], cancellationToken);
        }
        finally
        {
            _networkGate.Release();
        }

        if (allowed is not null)
        {
            await allowed.ConfigureAwait(false);
        }
    }

    protected override async Task ReleaseSessionAsync(TunnelSession session)
    {
        // Another session may hold the same prefix (a pinned link's successor that started while this one ended): what it
        // holds stays.
        var routes = session.Record?.ClientRoutes ?? [];
        Task? revoked = null;
        await _networkGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var released = session.RoutedPrefixes.Where(p => !Routes.Holds(p)).ToList();
            if (SessionFirewall is { } firewall && released.Count > 0)
            {
                revoked = firewall.RevokeSourcesAsync(released, CancellationToken.None);
            }

            foreach (var route in routes.Where(released.Contains))
            {
                await Services.Network.RemoveRouteAsync(DeviceName!, route, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _networkGate.Release();
        }

        if (revoked is not null)
        {
            await revoked.ConfigureAwait(false);
        }
    }

    private void SendSessionInfo(TunnelSession session)
    {
        if (!session.IsRunning || session.Current is null)
        {
            return;
        }

        bool first;
        lock (_infoSent)
        {
            first = _infoSent.Add(session.SessionId);
        }

        if (first && session.Control is { } control && session.Policy is { } policy)
        {
            var info = JsonSerializer.SerializeToUtf8Bytes(new SessionInfoMessage(
                session.SessionId,
                policy.Compiled.Document.HashHex,
                [.. policy.Compiled.Context.ProviderNetworks.Select(p => p.ToString())],
                [.. session.Info!.GatewayAddresses.Select(p => p.ToString())],
                [.. session.Info.ClientPrefixes.Select(p => p.ToString())],
                System.Text.Encoding.UTF8.GetString(policy.Compiled.Document.CanonicalJson)), SessionInfoMessage.JsonOptions);
            _ = control.SendAsync(ControlMessageTypes.SessionInfo, info, CancellationToken.None);
        }
    }

    protected override void OnTick(long now)
    {
        var idle = Options.Timings.SessionIdleTimeout;
        foreach (var session in Sessions)
        {
            if (session.IsRunning && Time.GetElapsedTime(Math.Max(session.LastReceived, session.Created), now) > idle)
            {
                _ = EndSessionAsync(session, SessionEndReason.IdleTimeout, $"nothing received for {idle.TotalSeconds:0} s");
            }

            // Ahead of expiry and off the handshake path: the session's next rekey finds its terms fresh.
            if (!_pinnedDirectory)
            {
                _lookups.KeepFresh(session.SessionId, SessionLookupCache.RefreshAfter / 2);
            }
        }

        if (!_pinnedDirectory && Time.GetElapsedTime(_lastSweep, now) > SessionLookupCache.RefreshAfter)
        {
            _lastSweep = now;
            _lookups.Sweep(SessionLookupCache.RefreshAfter * 5, id => FindSession(id) is not null);
        }
    }

    /// <summary>Directory lookups sent (in the background) since start, failed ones, and those pending now.</summary>
    public (long Lookups, long Failures, int Pending) DirectoryLookups => (_lookups.Lookups, _lookups.Failures, _lookups.Pending);

    // A session this gateway ended on purpose (a client cut off for not paying) is not admitted again until a restart:
    // otherwise reconnecting would buy another grace period each time.
    protected override void RefuseReconnection(TunnelSession session, string reason) => _terminated[session.SessionId] = reason;

    protected override void OnSessionRemoved(TunnelSession session)
    {
        _pool.Release(session.SessionId);
        lock (_infoSent)
        {
            _infoSent.Remove(session.SessionId);
        }
    }

    /// <summary>
    /// Creates and registers an authorised session (its keys and control channel work at once) and starts it in the
    /// background: its routes and firewall entries, then the observers (metering); its data flows once they are done.
    /// </summary>
    /// <returns>The session, or null with why not.</returns>
    private (TunnelSession? Session, (HandshakeStatus Status, string Detail)? Refusal) CreateSession(ulong sessionId, byte[] initiatorStatic, AuthorizationResult result)
    {
        var record = result.Session!;
        IPAddress? address;
        if (record.ClientTunnelAddress is { } fixedAddress)
        {
            _pool.Reserve(sessionId, fixedAddress);
            address = fixedAddress;
        }
        else
        {
            address = _pool.Allocate(sessionId);
        }

        if (address is null)
        {
            return (null, (HandshakeStatus.NoAddressAvailable, $"the pool {_pool.Pool} has no address left"));
        }

        List<IpPrefix> prefixes = [IpPrefix.Host(address)];
        if (_pool.Address6Of(address) is { } address6)
        {
            prefixes.Add(IpPrefix.Host(address6));
        }

        prefixes.AddRange(record.ClientRoutes ?? []);
        var session = new TunnelSession(sessionId, initiatorStatic, result.ClientAddress, prefixes, Time.GetTimestamp(), Options.Mtu)
        {
            RoutedPrefixes = prefixes,
            Record = record,
        };
        foreach (var prefix in prefixes)
        {
            if (Routes.Overlapping(prefix, session) is { } other)
            {
                _pool.Release(sessionId);
                return (null, (HandshakeStatus.NotPermitted, $"its prefix {prefix} overlaps session {other.SessionId}'s"));
            }
        }

        session.Policy = new SessionPolicy(sessionId, Compiled(result.Policy!), Services.DenialSink, Time, Services.RateLimitSink);
        session.Control = new ControlChannel(sessionId, Options.Mtu, frame => SendMessage(session, MessageType.TransportControl, frame.Span), Time, Logger);
        List<IpPrefix> gateway = [IpPrefix.Host(_pool.Gateway)];
        if (_pool.Gateway6 is { } gateway6)
        {
            gateway.Add(IpPrefix.Host(gateway6));
        }

        var info = new GatewaySession(sessionId, GatewayRole.Provider, result.ClientAddress, DeviceName!,
            [.. session.AllowedSources], gateway, result.Policy!.HashHex, session.Control, Time.GetUtcNow())
        {
            Policy = result.Policy,
            PolicyContext = _context,
        };
        session.Info = info;
        RegisterSession(session);
        _ = Task.Run(() => StartSessionAsync(session, info), CancellationToken.None);
        Logger.LogInformation("session {Session} started: client {Client} at {Addresses}, policy {Policy}",
            sessionId, result.ClientAddress ?? "(pinned key)", string.Join(", ", prefixes), result.Policy!.HashHex);
        return (session, null);
    }

    /// <summary>The accepted response for <paramref name="session"/>: its addresses, the MTU, the policy hash.</summary>
    private ResponsePayloadLayout Accepted(TunnelSession session, CipherSuite suite, byte[] policyHash)
    {
        var prefixes = session.RoutedPrefixes;
        var v4 = prefixes.First(p => !p.IsIPv6).NetworkAddress;
        var v6 = prefixes.FirstOrDefault(p => p.IsIPv6 && p.Length == 128 && _pool.Pool6 is { } pool6 && pool6.Covers(p));
        var gateway6 = _pool.Gateway6 is { } g6 ? AddressPool.Number6(g6) : UInt128.Zero;
        return new ResponsePayloadLayout(HandshakeStatus.Accepted, suite, (ushort)Options.Mtu,
            (ushort)Options.Timings.KeepaliveTimeout.TotalSeconds, AddressPool.Number4(v4), 32, AddressPool.Number4(_pool.Gateway),
            _pool.Gateway6 is null ? UInt128.Zero : AddressPool.Number6(v6.NetworkAddress), (byte)(_pool.Gateway6 is null ? 0 : 128), gateway6, policyHash);
    }

    /// <summary>The session's policy compiled under the current context, once per document and context for every session.</summary>
    private CompiledPolicy Compiled(PolicyDocument document)
    {
        var context = _context;
        lock (_compiled)
        {
            if (!_compiled.TryGetValue((document.HashHex, context), out var compiled))
            {
                compiled = CompiledPolicy.Compile(document, context);
                _compiled[(document.HashHex, context)] = compiled;
            }

            return compiled;
        }
    }

    private string? Refusal(ulong sessionId)
        => _terminated.TryGetValue(sessionId, out var terminated)
            ? terminated
            : Services.Observers.Select(o => o.RefuseSession(sessionId)).FirstOrDefault(r => r is not null);

    /// <summary>
    /// The session named ended here. A pinned link that renews continues in its successor: the next generation of the
    /// link that did not end (docs/protocol.md §4.4), offered to the link's authenticated client only, and only if the
    /// generation before it left nothing unpaid (renewal <c>settled</c>) — so ending a session unpaid and starting the
    /// next one never buys free traffic. Otherwise the client gets NotPermitted.
    /// </summary>
    private async ValueTask RefuseOrContinueAsync(InitiationPayloadLayout payload, ResponderHandshake handshake, UdpEndpoint source, string reason,
        CancellationToken cancellationToken)
    {
        if (_pinnedDirectory && !ShuttingDown)
        {
            var authorization = await _authorizer.AuthorizeAsync(payload, handshake.InitiatorStatic, cancellationToken).ConfigureAwait(false);
            if (authorization.Status == HandshakeStatus.Accepted && authorization.Session!.Renewal != SessionRenewal.None)
            {
                if (Successor(payload.SessionId, authorization.Session.Renewal, out var unsettled) is { } successor)
                {
                    Logger.LogInformation("handshake from {Source} for session {Session}, which ended ({Reason}): its link continues as session {Successor}",
                        source, payload.SessionId, reason, successor);
                    Drops.Add(DropReason.HandshakeRejected);
                    var plaintext = new byte[ResponsePayloadLayout.Size];
                    ResponsePayloadLayout.WriteSuccessor(plaintext, successor);
                    Respond(handshake, plaintext, source);
                    return;
                }

                reason += $"; no successor: session {unsettled} of the link ended with a checkpoint unpaid (Directory:Sessions:Renew=always continues anyway)";
            }
        }

        Logger.LogWarning("handshake from {Source} for session {Session} refused: {Reason}", source, payload.SessionId, reason);
        Reject(handshake, HandshakeStatus.NotPermitted, source);
    }

    // The first generation after sessionId's that did not end: one running (a client that restarted comes back to it),
    // or a new one when the generation before it is settled (or renewal is always).
    private ulong? Successor(ulong sessionId, SessionRenewal renewal, out ulong unsettled)
    {
        var (link, generation) = SessionRecord.SplitGeneration(sessionId);
        unsettled = sessionId;
        for (var next = generation + 1; next <= uint.MaxValue; next++)
        {
            var candidate = SessionRecord.GenerationId(link, next);
            if (FindSession(candidate) is not null)
            {
                return candidate;
            }

            if (Refusal(candidate) is null)
            {
                var previous = SessionRecord.GenerationId(link, next - 1);
                unsettled = previous;
                var settled = !_terminated.ContainsKey(previous) && Services.Observers.All(o => o.IsSettled(previous));
                return renewal == SessionRenewal.Always || settled ? candidate : null;
            }
        }

        return null;
    }

    private void Reject(ResponderHandshake handshake, HandshakeStatus status, UdpEndpoint source)
    {
        Drops.Add(DropReason.HandshakeRejected);
        var plaintext = new byte[ResponsePayloadLayout.Size];
        ResponsePayloadLayout.Rejected(status).Write(plaintext);
        Respond(handshake, plaintext, source);
    }

    private void Respond(ResponderHandshake handshake, byte[] plaintext, UdpEndpoint source)
    {
        var message = new byte[WireFormat.ResponseSize];
        Span<byte> unusedSend = stackalloc byte[32];
        Span<byte> unusedReceive = stackalloc byte[32];
        if (handshake.TryCreateResponse(0, plaintext, message, unusedSend, unusedReceive))
        {
            PrimaryTransport.Send(message, source);
        }
    }

    private void SendCookie(byte[] initiation, UdpEndpoint source)
    {
        Span<byte> cookie = stackalloc byte[WireFormat.MacSize];
        _cookies.MakeCookie(source, cookie);
        var reply = new byte[WireFormat.CookieSize];
        var senderIndex = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(initiation.AsSpan(WireFormat.InitiationSenderIndex));
        CookieReply.Write(_cookies.CookieKey, senderIndex, initiation.AsSpan(WireFormat.InitiationMac1, WireFormat.MacSize), cookie, reply);
        PrimaryTransport.Send(reply, source);
    }
}

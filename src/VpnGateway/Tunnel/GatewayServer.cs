using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Control;
using VpnGateway.Crypto;
using VpnGateway.Providers;
using VpnGateway.Policy;
using VpnGateway.Protocol;
using VpnGateway.Sessions;
using VpnGateway.Transport;

namespace VpnGateway.Tunnel;

/// <summary>
/// The provider's gateway (<c>vpngateway serve</c>): answers handshakes, gives every authorised session its own TUN
/// device and tunnel address, enforces the session's policy both ways, ends idle sessions.
/// </summary>
internal sealed partial class GatewayServer : TunnelEngine
{
    private readonly ServerOptions _server;
    private readonly SessionAuthorizer _authorizer;
    private readonly bool _pinnedDirectory;
    private readonly CookieChecker _cookies;
    private readonly HandshakeRateLimiter _rateLimiter;
    private readonly AddressPool _pool;
    private readonly object _contextLock = new();
    private volatile PolicyContext _context;
    private readonly HashSet<ulong> _infoSent = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, string> _terminated = new();

    /// <summary>How far a new session's initiation timestamp may be from this gateway's clock.</summary>
    private static readonly TimeSpan MaxInitiationSkew = TimeSpan.FromMinutes(10);

    public GatewayServer(EngineServices services, TunnelOptions options, ServerOptions server, IProviderDirectory directory)
        : base(services, options, GatewayRole.Provider)
    {
        _server = server;
        _authorizer = new SessionAuthorizer(directory, server, services.Time);
        _pinnedDirectory = directory is PinnedProviderDirectory;
        _cookies = new CookieChecker(services.Time, server.TunnelKey.PublicKey);
        _rateLimiter = new HandshakeRateLimiter(services.Time, server.HandshakesPerSecond, server.HandshakeBurst);
        _pool = new AddressPool(server.AddressPool);
        _context = new PolicyContext(server.ProviderNetworks);
    }

    public IPAddress GatewayAddress => _pool.Gateway;

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

        var result = await _authorizer.AuthorizeAsync(payload, handshake.InitiatorStatic, cancellationToken).ConfigureAwait(false);
        if (result.Status == HandshakeStatus.Accepted && existing is null && CountSessions() >= _server.MaxSessions)
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
            session = await CreateSessionAsync(payload.SessionId, handshake.InitiatorStatic, result, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                Reject(handshake, HandshakeStatus.NoAddressAvailable, source);
                return;
            }
        }
        else
        {
            session.PeerStatic = handshake.InitiatorStatic;
        }

        session.LastInitiationTimestamp = payload.Timestamp;
        var clientAddress = session.Info!.ClientPrefixes[0].NetworkAddress;
        var response = new ResponsePayloadLayout(HandshakeStatus.Accepted, payload.Suite, (ushort)Options.Mtu,
            (ushort)Options.Timings.KeepaliveTimeout.TotalSeconds, (uint)IpPrefix.ToNumber(clientAddress), 32,
            (uint)IpPrefix.ToNumber(_pool.Gateway), 0, 0, 0, result.Session!.PolicyHash);
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
        Services.Transport.Send(responseMessage, source);
        Logger.LogDebug("handshake with session {Session} from {Source} completed", session.SessionId, source);
    }

    protected override void OnKeysConfirmed(TunnelSession session)
    {
        // First confirmed keys of a session: tell the client the evaluation context of its policy.
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
        }
    }

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

    private int CountSessions()
    {
        var count = 0;
        foreach (var _ in Sessions)
        {
            count++;
        }

        return count;
    }

    private async Task<TunnelSession?> CreateSessionAsync(ulong sessionId, byte[] initiatorStatic, AuthorizationResult result, CancellationToken cancellationToken)
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
            return null;
        }

        var routes = record.ClientRoutes ?? [];
        var session = new TunnelSession(sessionId, initiatorStatic, result.ClientAddress, [IpPrefix.Host(address), .. routes], Time.GetTimestamp());
        var tun = Services.TunFactory.Create(_server.InterfacePattern, Options.Mtu);
        try
        {
            await Services.Network.AddAddressAsync(tun.Name, _pool.Gateway, address, cancellationToken).ConfigureAwait(false);
            foreach (var route in routes)
            {
                await Services.Network.AddRouteAsync(tun.Name, route, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            tun.Dispose();
            _pool.Release(sessionId);
            throw;
        }

        session.Tun = tun;
        session.Policy = new SessionPolicy(sessionId, CompiledPolicy.Compile(result.Policy!, _context), Services.DenialSink, Time, Services.RateLimitSink);
        session.Control = new ControlChannel(sessionId, Options.Mtu, frame => SendMessage(session, MessageType.TransportControl, frame.Span), Time, Logger);
        var info = new GatewaySession(sessionId, GatewayRole.Provider, result.ClientAddress, tun.Name,
            [.. session.AllowedSources], [IpPrefix.Host(_pool.Gateway)], result.Policy!.HashHex, session.Control, Time.GetUtcNow())
        {
            Policy = result.Policy,
            PolicyContext = _context,
        };
        RegisterSession(session);
        await StartSessionAsync(session, info).ConfigureAwait(false);
        Logger.LogInformation("session {Session} started on {Device}: client {Client} at {Address}, policy {Policy}",
            sessionId, tun.Name, result.ClientAddress ?? "(pinned key)", address, result.Policy!.HashHex);
        return session;
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
            Services.Transport.Send(message, source);
        }
    }

    private void SendCookie(byte[] initiation, UdpEndpoint source)
    {
        Span<byte> cookie = stackalloc byte[WireFormat.MacSize];
        _cookies.MakeCookie(source, cookie);
        var reply = new byte[WireFormat.CookieSize];
        var senderIndex = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(initiation.AsSpan(WireFormat.InitiationSenderIndex));
        CookieReply.Write(_cookies.CookieKey, senderIndex, initiation.AsSpan(WireFormat.InitiationMac1, WireFormat.MacSize), cookie, reply);
        Services.Transport.Send(reply, source);
    }
}

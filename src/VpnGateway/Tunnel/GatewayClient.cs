using Oracle.Core.Policy;
using VpnGateway.Crypto;
using VpnGateway.Protocol;
using VpnGateway.Sessions;
using VpnGateway.Transport;

namespace VpnGateway.Tunnel;

/// <summary>
/// The client (<c>vpngateway connect</c>): starts handshakes (first, then every <see cref="TunnelTimings.RekeyAfterTime"/>
/// or volume limit), creates the TUN device with the address the provider assigned and routes the chosen prefixes
/// into it.
/// </summary>
internal sealed partial class GatewayClient : TunnelEngine
{
    private readonly ClientOptions _client;
    private readonly UdpEndpoint _providerEndpoint;
    // The provider sends SessionInfo once the session runs there: its metering has started, which may read the session's
    // terms from the chain (bounded by 10 s); data waits for it.
    private static readonly TimeSpan SessionInfoTimeout = TimeSpan.FromSeconds(12);
    private readonly TaskCompletionSource<TunnelSession> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(SessionEndReason Reason, string Detail)> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SessionInfoMessage> _sessionInfo = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _handshakeLock = new();
    private readonly List<IAsyncDisposable> _undo = [];
    private InitiatorHandshake? _pending;
    private byte[]? _cookie;
    private long _cookieReceived;
    private long _lastInitiation;
    private int _attempts;
    private int _cookieRetries;
    private int _successors;
    private ulong _sessionId;
    private byte[]? _lastTimestamp;
    private TunnelSession? _session;
    private IReadOnlyList<VpnGateway.Tun.ITunDevice>? _device;

    public GatewayClient(EngineServices services, TunnelOptions options, ClientOptions client)
        : base(services, options, GatewayRole.Client)
    {
        _client = client;
        _sessionId = client.SessionId;
        _providerEndpoint = UdpEndpoint.From(client.ProviderEndpoint);
    }

    public TunnelSession? Session => _session;

    /// <summary>The session this client uses: the configured one, or its pinned link's successor the provider named.</summary>
    public ulong SessionId => Volatile.Read(ref _sessionId);

    /// <summary>How many successors of an ended pinned session the client follows in one connect.</summary>
    private const int MaxSuccessors = 3;

    /// <summary>The SessionInfo the provider sent, once it arrived.</summary>
    public SessionInfoMessage? SessionInfo { get; private set; }

    /// <summary>Completes when the client's session ended (the provider closed it, or this side ended it), with why.</summary>
    public Task<(SessionEndReason Reason, string Detail)> Closed => _closed.Task;

    /// <summary>Starts the loops and the first handshake; completes when the tunnel is up.</summary>
    /// <exception cref="HandshakeRejectedException">The provider refused or never answered.</exception>
    public async Task<TunnelSession> ConnectAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        Initiate();
        return await _connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override ValueTask OnStoppedAsync() => UndoAsync();

    protected override void OnSessionRemoved(TunnelSession session)
        => _closed.TrySetResult((session.EndReason ?? SessionEndReason.Shutdown, session.EndDetail ?? string.Empty));

    protected override async ValueTask HandleHandshakeAsync(byte[] message, UdpEndpoint source, CancellationToken cancellationToken)
    {
        InitiatorHandshake? pending;
        lock (_handshakeLock)
        {
            pending = _pending;
        }

        if (pending is null || _session is { State: SessionState.Ended })
        {
            Drops.Add(DropReason.HandshakeUnexpected);
            return;
        }

        if (message[0] == (byte)MessageType.CookieReply)
        {
            var cookie = new byte[WireFormat.MacSize];
            if (!pending.TryConsumeCookie(message, cookie))
            {
                Drops.Add(DropReason.HandshakeUnexpected);
                return;
            }

            lock (_handshakeLock)
            {
                _cookie = cookie;
                _cookieReceived = Time.GetTimestamp();
            }

            Logger.LogInformation("provider is under load and sent a cookie; retrying the handshake with it");
            Initiate(force: true, askedByProvider: true);
            return;
        }

        if (message[0] != (byte)MessageType.HandshakeResponse)
        {
            Drops.Add(DropReason.HandshakeUnexpected);
            return;
        }

        var plaintext = new byte[ResponsePayloadLayout.Size];
        var sendKey = new byte[32];
        var receiveKey = new byte[32];
        if (!pending.TryConsumeResponse(message, plaintext, sendKey, receiveKey, out var responderIndex))
        {
            Drops.Add(DropReason.HandshakeUnexpected);
            return;
        }

        lock (_handshakeLock)
        {
            if (_pending != pending)
            {
                return;
            }

            _pending = null;
            _attempts = 0;
            _cookieRetries = 0;
        }

        pending.Dispose();
        var response = ResponsePayloadLayout.Read(plaintext);
        if (response.Status == HandshakeStatus.Successor && _session is null && _successors < MaxSuccessors)
        {
            // The session named ended on the provider; its pinned link goes on as the session the provider names (the
            // answer is authenticated: only the holder of the pinned key can read it).
            var successor = ResponsePayloadLayout.ReadSuccessor(plaintext);
            _successors++;
            Logger.LogWarning("session {Session} ended on the provider; its pinned link continues as session {Successor}", _sessionId, successor);
            Volatile.Write(ref _sessionId, successor);
            Initiate(force: true);
            return;
        }

        if (response.Status != HandshakeStatus.Accepted)
        {
            Drops.Add(DropReason.HandshakeRejected);
            Logger.LogError("the provider rejected session {Session}: {Status}", _sessionId, response.Status);
            _connected.TrySetException(new HandshakeRejectedException(response.Status, $"the provider rejected session {_sessionId}: {response.Status}"));
            return;
        }

        if (_session is null && RefuseResponse(response) is { } refusal)
        {
            Drops.Add(DropReason.HandshakeRejected);
            Logger.LogError("session {Session}: the provider's answer is refused: {Reason}", _sessionId, refusal);
            _connected.TrySetException(new HandshakeRejectedException(response.Status, $"session {_sessionId}: {refusal}"));
            return;
        }

        var created = _session is null;
        var session = _session ?? await CreateSessionAsync(response, cancellationToken).ConfigureAwait(false);
        var keypair = new Keypair(session, pending.SenderIndex, responderIndex, response.Suite, sendKey, receiveKey, isInitiator: true, Time.GetTimestamp());
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(sendKey);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(receiveKey);
        RegisterKeypair(keypair);
        RetireKeypair(session.InstallInitiatorKeys(keypair));
        session.SetEndpoint(_providerEndpoint);
        // Confirms the new keys to the responder at once (it answers with SessionInfo).
        SendKeepalive(session);
        if (created)
        {
            _ = Task.Run(() => OpenAsync(session, response), CancellationToken.None);
        }
    }

    protected override void OnTick(long now)
    {
        var timings = Options.Timings;
        lock (_handshakeLock)
        {
            if (_pending is not null && Time.GetElapsedTime(_lastInitiation, now) >= timings.RekeyTimeout)
            {
                if (_session is null && _attempts >= _client.ConnectAttempts)
                {
                    _pending.Dispose();
                    _pending = null;
                    _connected.TrySetException(new HandshakeRejectedException(null,
                        $"no handshake response from {_client.ProviderEndpoint} after {_attempts} attempts: is the provider's tunnel key right, and is it reachable?"));
                    return;
                }
            }
        }

        var session = _session;
        if (session is { State: SessionState.Ended })
        {
            return;
        }

        if (session is null)
        {
            if (_pending is not null && Time.GetElapsedTime(_lastInitiation, now) >= timings.RekeyTimeout)
            {
                Initiate(force: true);
            }

            return;
        }

        // Sending without hearing back for keepalive + rekey timeout: the provider lost our keys (restarted) or the
        // path changed; a new handshake finds out (WireGuard's rule).
        var unanswered = session.UnansweredSince;
        if (unanswered != 0 && Time.GetElapsedTime(unanswered, now) >= timings.KeepaliveTimeout + timings.RekeyTimeout)
        {
            Initiate();
        }

        var current = session.Current;
        if (current is null
            || Time.GetElapsedTime(current.Created, now) >= timings.RekeyAfterTime
            || current.MessagesSent >= timings.RekeyAfterMessages
            || current.MessagesReceived >= timings.RekeyAfterMessages)
        {
            Initiate();
        }

        if (timings.PersistentKeepalive > TimeSpan.Zero && Time.GetElapsedTime(session.LastSent, now) >= timings.PersistentKeepalive)
        {
            SendKeepalive(session);
        }
    }

    protected override void OnNoKey(TunnelSession session) => Initiate();

    /// <summary>Sends an initiation unless one is pending and younger than the rekey timeout.</summary>
    /// <param name="force">Sends even while one is pending.</param>
    /// <param name="askedByProvider">
    /// The retry a cookie reply asks for: the provider answered (it is reachable and the key is right, only busy), so the
    /// retry does not use up one of <see cref="ClientOptions.ConnectAttempts"/> — up to that many such retries per
    /// handshake, since a cookie reply can be forged by anyone who saw the initiation and knows the provider's public key.
    /// </param>
    private void Initiate(bool force = false, bool askedByProvider = false)
    {
        // While shutting down, only the keys of the ending session are renewed (its last control exchange).
        if (_session is { State: SessionState.Ended } || (ShuttingDown && _session is not { State: SessionState.Ending }))
        {
            return;
        }

        byte[] message;
        lock (_handshakeLock)
        {
            var now = Time.GetTimestamp();
            if (_pending is not null && !force && Time.GetElapsedTime(_lastInitiation, now) < Options.Timings.RekeyTimeout)
            {
                return;
            }

            var plaintext = new byte[InitiationPayloadLayout.Size];
            var flags = (byte)0;
            var address = new byte[20];
            var signature = new byte[65];
            ulong notAfter = 0;
            if (_client.Authorization is { } source)
            {
                var proof = source.Get(_client.TunnelKey.PublicKey, _client.ProviderKey, _sessionId);
                flags = InitiationPayloadLayout.FlagAuthorized;
                address = proof.Address;
                signature = proof.Signature;
                notAfter = proof.NotAfter;
            }

            _lastTimestamp = Tai64N.NowAfter(Time, _lastTimestamp);
            new InitiationPayloadLayout(_lastTimestamp, Options.Suite, flags, _sessionId, address, notAfter, signature).Write(plaintext);
            var cookie = _cookie is not null && Time.GetElapsedTime(_cookieReceived, now) < TimeSpan.FromSeconds(110) ? _cookie : null;
            message = new byte[WireFormat.InitiationSize];
            var handshake = InitiatorHandshake.Create(_client.TunnelKey, _client.ProviderKey, NewIndex(), plaintext, cookie, now, message);
            if (handshake is null)
            {
                _connected.TrySetException(new HandshakeRejectedException(null, "the provider's tunnel key is not a valid X25519 public key"));
                return;
            }

            _pending?.Dispose();
            _pending = handshake;
            _lastInitiation = now;
            if (askedByProvider && _cookieRetries < _client.ConnectAttempts)
            {
                _cookieRetries++;
            }
            else
            {
                _attempts++;
            }
        }

        PrimaryTransport.Send(message, _providerEndpoint);
    }

    // The provider chooses the cipher suite, the MTU and the addresses; the client accepts them only where they cannot hurt
    // it: a suite it knows, an MTU it carries, and tunnel addresses outside this host's own networks (a gateway address on the client's LAN would
    // pull that host's traffic, its router's or DNS server's, into the tunnel).
    private string? RefuseResponse(in ResponsePayloadLayout response)
    {
        if (!Enum.IsDefined(response.Suite))
        {
            return $"unknown cipher suite {(byte)response.Suite}";
        }

        // Both ends use the provider's tunnel MTU; it must fit what this side carries (its Tunnel:Mtu, checked against
        // its path to the provider), or packets of the provider's size would be lost on the way here.
        if (response.Mtu < TunnelOptions.MinimumMtu || response.Mtu > Options.Mtu)
        {
            return $"the provider's tunnel MTU {response.Mtu} is outside what this client carries ({TunnelOptions.MinimumMtu}–{Options.Mtu}, Tunnel:Mtu): "
                + "both ends must agree; lower the provider's Tunnel:Mtu, or raise this client's within its path";
        }

        foreach (var value in (ReadOnlySpan<uint>)[response.ClientIPv4, response.GatewayIPv4])
        {
            var address = ToAddress(value);
            if (value == 0 || value == uint.MaxValue || (value >> 24) is 0 or 127 || (value >> 28) >= 14)
            {
                return $"tunnel address {address} is not a unicast address";
            }

            if (InsideLocalNetwork(address) is { } network)
            {
                return $"tunnel address {address} lies inside this host's network {network}";
            }
        }

        // IPv6 (a provider with Serve:AddressPool6): one host address each, global unicast or unique local, outside this
        // host's networks as above.
        if (response.ClientIPv6PrefixLength != 0)
        {
            if (response.ClientIPv6PrefixLength != 128)
            {
                return $"IPv6 tunnel prefix length {response.ClientIPv6PrefixLength} (a session's IPv6 tunnel address is one address, /128)";
            }

            if (response.Mtu < TunnelOptions.MinimumIPv6Mtu)
            {
                return $"the provider gives an IPv6 tunnel address with a tunnel MTU of {response.Mtu}, below IPv6's minimum of {TunnelOptions.MinimumIPv6Mtu}";
            }

            foreach (var value in (ReadOnlySpan<UInt128>)[response.ClientIPv6, response.GatewayIPv6])
            {
                var address = ToAddress6(value);
                var top = (byte)(value >> 120);
                if ((top & 0xE0) != 0x20 && (top & 0xFE) != 0xFC)
                {
                    return $"IPv6 tunnel address {address} is neither global unicast (2000::/3) nor unique local (fc00::/7)";
                }

                if (InsideLocalNetwork(address) is { } network)
                {
                    return $"IPv6 tunnel address {address} lies inside this host's network {network}";
                }
            }

            if (response.ClientIPv6 == response.GatewayIPv6)
            {
                return $"IPv6 tunnel address {ToAddress6(response.ClientIPv6)} is the gateway's own";
            }
        }

        return null;
    }

    private IpPrefix? InsideLocalNetwork(System.Net.IPAddress address)
    {
        foreach (var local in _client.LocalNetworks)
        {
            if (local.Contains(address))
            {
                return local;
            }
        }

        return null;
    }
}

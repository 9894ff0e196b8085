using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Control;
using VpnGateway.Protocol;
using VpnGateway.Sessions;

namespace VpnGateway.Tunnel;

/// <summary>The client's one session: its device and routes, the wait for SessionInfo, the start of data.</summary>
internal sealed partial class GatewayClient
{
    private async Task<TunnelSession> CreateSessionAsync(ResponsePayloadLayout response, CancellationToken cancellationToken)
    {
        var local = ToAddress(response.ClientIPv4);
        var gateway = ToAddress(response.GatewayIPv4);
        var ipv6 = Addresses6(response);
        var routes = TunnelRoutes(ipv6 is not null);
        var mtu = response.Mtu; // checked by RefuseResponse: the session's MTU, the same on both ends
        // IPv6 on the device when the provider gave an IPv6 address, or when an IPv6 route goes into the tunnel anyway
        // (an IPv4-only provider then drops that traffic instead of it leaving outside the tunnel).
        var queues = Services.TunFactory.Create(_client.InterfacePattern, mtu, ipv6: ipv6 is not null || routes.Any(r => r.IsIPv6));
        var tun = queues[0];
        try
        {
            await Services.Network.AddAddressAsync(tun.Name, local, gateway, cancellationToken).ConfigureAwait(false);
            if (ipv6 is { } six)
            {
                await Services.Network.AddAddressAsync(tun.Name, six.Local, six.Gateway, cancellationToken).ConfigureAwait(false);
            }
            else if (routes.FirstOrDefault(r => r.IsIPv6) is { } unserved)
            {
                Logger.LogWarning("session {Session}: the provider gives no IPv6 tunnel address, so IPv6 routed into the tunnel ({Route}) is dropped there, not sent outside it",
                    _sessionId, unserved);
            }

            var endpoint = _client.ProviderEndpoint.Address;
            foreach (var route in routes)
            {
                if (route.Contains(endpoint))
                {
                    _undo.Add(await Services.Network.PinEndpointRouteAsync(endpoint, cancellationToken).ConfigureAwait(false));
                    break;
                }
            }

            foreach (var route in routes)
            {
                if (route.Length == 0)
                {
                    // Two halves win over the default route without replacing it (as wg-quick and OpenVPN's def1).
                    var half = route.IsIPv6 ? "::/1" : "0.0.0.0/1";
                    var otherHalf = route.IsIPv6 ? "8000::/1" : "128.0.0.0/1";
                    await Services.Network.AddRouteAsync(tun.Name, IpPrefix.Parse(half), cancellationToken).ConfigureAwait(false);
                    await Services.Network.AddRouteAsync(tun.Name, IpPrefix.Parse(otherHalf), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Services.Network.AddRouteAsync(tun.Name, route, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            tun.Dispose();
            await UndoAsync().ConfigureAwait(false);
            throw;
        }

        _device = queues;
        // What the provider may send from: the routed prefixes and its tunnel addresses (its ICMP errors).
        List<IpPrefix> sources = [.. routes, IpPrefix.Host(gateway)];
        if (ipv6 is { } gateway6)
        {
            sources.Add(IpPrefix.Host(gateway6.Gateway));
        }

        var session = new TunnelSession(_sessionId, _client.ProviderKey, _client.ClientAddress, sources, Time.GetTimestamp(), mtu);
        session.Control = new ControlChannel(_sessionId, mtu, frame => SendMessage(session, MessageType.TransportControl, frame.Span), Time, Logger);
        session.Control.Subscribe(ControlMessageTypes.SessionInfo, (message, _) =>
        {
            if (SessionInfoMessage.TryParse(message.Payload.Span, out var error) is { } info)
            {
                SessionInfo = info;
                _sessionInfo.TrySetResult(info);
            }
            else
            {
                Logger.LogWarning("session {Session}: the provider's SessionInfo is not valid JSON: {Error}", _sessionId, error);
            }

            return ValueTask.CompletedTask;
        });
        _session = session;
        RegisterSession(session);
        return session;
    }

    /// <summary>
    /// Once the keys work: waits (briefly) for the provider's SessionInfo, whose client prefixes (site-to-site: the
    /// client's LAN too) tell metering the direction of each packet, then tells the observers and lets data flow.
    /// </summary>
    private async Task OpenAsync(TunnelSession session, ResponsePayloadLayout response)
    {
        try
        {
            var local = ToAddress(response.ClientIPv4);
            var gateway = ToAddress(response.GatewayIPv4);
            SessionInfoMessage? info = null;
            try
            {
                info = await _sessionInfo.Task.WaitAsync(SessionInfoTimeout, StoppingToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Logger.LogWarning("session {Session}: no SessionInfo from the provider within {Seconds} s; metering counts only {Address} as this side", _sessionId, SessionInfoTimeout.TotalSeconds, local);
            }

            var hash = "0x" + Convert.ToHexStringLower(response.PolicyHash);
            PolicyDocument? policy = null;
            PolicyContext? context = null;
            if (info is not null && !info.TryReadPolicy(response.PolicyHash, out policy, out context, out var policyError))
            {
                // Metering then cannot check the provider's verdicts and signs no voucher (docs/protocol.md §5.3).
                Logger.LogWarning("session {Session}: the provider's SessionInfo does not carry the session's policy ({Error}); its evidence cannot be checked", _sessionId, policyError);
            }

            var ipv6 = Addresses6(response);
            List<IpPrefix> gateways = [IpPrefix.Host(gateway)];
            if (ipv6 is { } six)
            {
                gateways.Add(IpPrefix.Host(six.Gateway));
            }

            var gatewaySession = new GatewaySession(_sessionId, GatewayRole.Client, null, _device![0].Name, ClientPrefixes(info, local, ipv6?.Local), gateways,
                hash, session.Control!, Time.GetUtcNow())
            {
                Policy = policy,
                PolicyContext = context,
            };
            await StartSessionAsync(session, gatewaySession).ConfigureAwait(false);
            Logger.LogInformation("connected: session {Session} on {Device}, address {Address}{Address6}, gateway {Gateway}{Gateway6}, policy {Policy}, this side {Prefixes}",
                _sessionId, _device[0].Name, local, ipv6 is { } a6 ? $" and {a6.Local}" : string.Empty, gateway, ipv6 is { } g6 ? $" and {g6.Gateway}" : string.Empty,
                hash, string.Join(", ", gatewaySession.ClientPrefixes));
            _connected.TrySetResult(session);
        }
        catch (OperationCanceledException) when (StoppingToken.IsCancellationRequested)
        {
            _connected.TrySetCanceled(StoppingToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogError(e, "session {Session}: starting it failed", _sessionId);
            _connected.TrySetException(e);
        }
    }

    /// <summary>
    /// The client side's prefixes as the provider states them in SessionInfo (its tunnel address and, site-to-site, the
    /// LAN routed to it), so both gateways classify direction the same way; the own tunnel address alone when the
    /// message is missing or does not fit this session.
    /// </summary>
    private IReadOnlyList<IpPrefix> ClientPrefixes(SessionInfoMessage? info, IPAddress local, IPAddress? local6)
    {
        var own = IpPrefix.Host(local);
        IReadOnlyList<IpPrefix> owned = local6 is null ? [own] : [own, IpPrefix.Host(local6)];
        if (info is null)
        {
            return owned;
        }

        var prefixes = new List<IpPrefix>(owned);
        var coversOwn = false;
        foreach (var text in info.ClientPrefixes ?? [])
        {
            if (!IpPrefix.TryParse(text, out var prefix, out var error))
            {
                Logger.LogWarning("session {Session}: SessionInfo client prefix '{Prefix}' ignored: {Error}", _sessionId, text, error);
                return [own];
            }

            coversOwn |= prefix.Contains(local);
            if (!prefixes.Contains(prefix))
            {
                prefixes.Add(prefix);
            }
        }

        if (info.SessionId != _sessionId || !coversOwn)
        {
            Logger.LogWarning("session {Session}: SessionInfo (session {InfoSession}, client prefixes {Prefixes}) does not describe this client at {Address}; ignored",
                _sessionId, info.SessionId, string.Join(", ", info.ClientPrefixes ?? []), local);
            return owned;
        }

        return prefixes;
    }

    /// <summary>
    /// Data is about to flow: the device's reader starts (the kernel's packets waited in the device until now), before
    /// the provider's packets held meanwhile are written into it.
    /// </summary>
    protected override void BeforeSessionRuns(TunnelSession session) => AttachDevice(_device!);

    /// <summary>Data stops: the device's reader ends (the device stays until the session is gone).</summary>
    protected override Task OnDataStoppingAsync(TunnelSession session) => StopDeviceAsync(dispose: false);

    /// <summary>The device goes with the session (its addresses and routes with it).</summary>
    protected override async Task ReleaseSessionAsync(TunnelSession session)
    {
        if (DeviceQueues.Count > 0)
        {
            await StopDeviceAsync(dispose: true).ConfigureAwait(false);
        }
        else
        {
            foreach (var queue in _device ?? [])
            {
                queue.Dispose();
            }
        }
    }

    /// <summary>Every packet of the client's device is its one session's.</summary>
    protected override TunnelSession? OutgoingSession(ReadOnlySpan<byte> packet) => _session;

    private static IPAddress ToAddress(uint address) => new(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address)));

    private static IPAddress ToAddress6(UInt128 address)
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        return new IPAddress(bytes);
    }

    /// <summary>The session's IPv6 tunnel address and the gateway's, or null when the provider gave none (prefix length 0).</summary>
    private static (IPAddress Local, IPAddress Gateway)? Addresses6(in ResponsePayloadLayout response)
        => response.ClientIPv6PrefixLength == 0 ? null : (ToAddress6(response.ClientIPv6), ToAddress6(response.GatewayIPv6));

    /// <summary>
    /// The prefixes routed into the tunnel: the configured ones; when none are configured (everything), 0.0.0.0/0 and,
    /// with an IPv6 tunnel address, ::/0 too.
    /// </summary>
    private IReadOnlyList<IpPrefix> TunnelRoutes(bool ipv6)
        => _client.RouteEverything && ipv6 && !_client.Routes.Any(r => r.IsIPv6 && r.Length == 0) ? [.. _client.Routes, IpPrefix.AnyIPv6] : _client.Routes;

    private async ValueTask UndoAsync()
    {
        foreach (var undo in _undo)
        {
            await undo.DisposeAsync().ConfigureAwait(false);
        }

        _undo.Clear();
    }
}

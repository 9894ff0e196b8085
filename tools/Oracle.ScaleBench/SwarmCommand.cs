using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Nethereum.Signer;
using VpnGateway.Crypto;
using VpnGateway.Protocol;
using VpnGateway.Tunnel;

namespace Oracle.ScaleBench;

/// <summary>
/// Many sessions from one process, with the gateway's own handshake and transport types: every session's handshake
/// (at most <c>--window</c> in flight; retransmitted after 5 s, <c>--attempts</c> (3) in all, a cookie reply answered at once as the
/// client does), a keepalive so the provider confirms its keys and one UDP datagram at once (as a client's first DNS
/// query, while the provider's metering still starts), then <c>--hold</c> seconds held (one UDP datagram per session at
/// 0, 5, 10… s, which the provider meters) while the benchmark measures the provider, then every session rekeyed once at <c>--rekey-rate</c> per second
/// (<c>--rekey-rounds</c> times, <c>--round-gap</c> seconds apart; the JSON's <c>_rekey</c> figures are the first round's,
/// <c>_rekey_last</c> the last's). Keys with a third field (the client's Ethereum key) are on-chain sessions: each
/// initiation carries the client's TunnelAuthorization (<c>--chain-id</c>, <c>--session-manager</c>). Prints progress
/// lines on stderr ("held N" once the sessions are up, "rekeyed K" after each round, "rekeyed" at the end) and the
/// result as JSON last.
/// </summary>
internal static class SwarmCommand
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DatagramEvery = TimeSpan.FromSeconds(5);
    private static int _attempts = 3;

    private static Socket _socket = null!;
    private static EndPoint _provider = null!;
    private static byte[] _providerKey = [];
    private static readonly ConcurrentDictionary<uint, SwarmClient> ByIndex = new();

    public static async Task<int> RunAsync(Arguments args)
    {
        var lines = await File.ReadAllLinesAsync(args.String("keys"));
        _providerKey = Convert.FromBase64String(args.String("provider-key"));
        _provider = IPEndPoint.Parse(args.String("endpoint"));
        var window = (int)args.Long("window", 64);
        _attempts = (int)args.Long("attempts", 3); // initiations per handshake, 5 s apart (3: a client's Connect:ConnectAttempts default)
        var rekeyRate = args.Long("rekey-rate", 50);
        var hold = TimeSpan.FromSeconds(args.Long("hold", 10));
        var count = (int)Math.Min(args.Long("count", lines.Length), lines.Length);
        // On-chain sessions (a third field: the client's Ethereum key, hex): each initiation carries the client's
        // TunnelAuthorization, signed once here (as a client's cached one) under the SessionManager's EIP-712 domain.
        var chainId = BigInteger.Parse(args.String("chain-id", "31337"), CultureInfo.InvariantCulture);
        var sessionManager = args.String("session-manager", "");
        var clients = lines.Take(count).Select(line =>
        {
            var parts = line.Split(' ');
            var id = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
            var key = TunnelKeyPair.FromPrivateKey(Convert.FromBase64String(parts[1]));
            var authorization = parts.Length > 2
                ? new EthereumAuthorizationSource(new EthECKey(parts[2]), chainId, sessionManager, TimeProvider.System, TimeSpan.FromHours(2)).Get(key.PublicKey, _providerKey, id)
                : null;
            return new SwarmClient(id, key, authorization);
        }).ToList();

        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20, SendBufferSize = 8 << 20 };
        _socket.Bind(new IPEndPoint(IPAddress.Parse(args.String("listen", "0.0.0.0")), 0));
        using var stop = new CancellationTokenSource();
        var receiver = new Thread(() => Receive(stop.Token)) { IsBackground = true, Name = "swarm-receive" };
        receiver.Start();
        var retrier = Task.Run(() => RetryAsync(clients, stop.Token));

        // 1. Every session's first handshake, at most `window` in flight.
        var clock = Stopwatch.StartNew();
        var created = await HandshakesAsync(clients, window, rate: 0);
        var seconds = clock.Elapsed.TotalSeconds;
        var held = created.Count(l => !double.IsNaN(l));
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"held {held}"));

        // 2. Held while the benchmark measures the provider: one datagram per session at 0, 5, 10… s (before the hold ends),
        // an exact number of them.
        var holding = Stopwatch.StartNew();
        var rounds = (int)Math.Ceiling(hold.TotalSeconds / DatagramEvery.TotalSeconds);
        for (var round = 0; round < rounds; round++)
        {
            await DelayUntil(holding, round * DatagramEvery);
            clients.ForEach(Datagram);
        }

        await DelayUntil(holding, hold);

        // 3. Every session rekeyed once, paced; with --rekey-rounds R, R times, --round-gap seconds apart ("rekeyed K"
        // after round K, so a benchmark can change the conditions in the gap).
        var rekeyRoundCount = (int)args.Long("rekey-rounds", 1);
        var gap = TimeSpan.FromSeconds(args.Long("round-gap", 5));
        var rekeyRounds = new List<List<double>>();
        for (var round = 1; round <= rekeyRoundCount; round++)
        {
            if (round > 1)
            {
                await Task.Delay(gap);
            }

            rekeyRounds.Add(await HandshakesAsync(clients.Where(c => c.Sender is not null).ToList(), window, rekeyRate));
            clients.ForEach(Keepalive);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rekeyed {round}"));
        }

        var rekeyed = rekeyRounds[0];
        var lastRound = rekeyRounds[^1].Where(l => !double.IsNaN(l)).ToList();
        await Console.Error.WriteLineAsync("rekeyed");
        await stop.CancelAsync();
        _socket.Dispose();
        await retrier.ContinueWith(_ => { }, TaskScheduler.Default);

        var newOk = created.Where(l => !double.IsNaN(l)).ToList();
        var rekeyOk = rekeyed.Where(l => !double.IsNaN(l)).ToList();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sessions = count,
            held,
            refused_or_lost = count - held,
            datagrams_per_session = 1 + rounds,
            handshakes_per_s = Math.Round(held / seconds, 1),
            handshake_p50_ms_new = Percentile(newOk, 0.50),
            handshake_p99_ms_new = Percentile(newOk, 0.99),
            rekeyed = rekeyOk.Count,
            rekey_rate_per_s = rekeyRate,
            handshake_p50_ms_rekey = Percentile(rekeyOk, 0.50),
            handshake_p99_ms_rekey = Percentile(rekeyOk, 0.99),
            rekey_rounds = rekeyRoundCount,
            rekeyed_last = lastRound.Count,
            handshake_p50_ms_rekey_last = Percentile(lastRound, 0.50),
            handshake_p99_ms_rekey_last = Percentile(lastRound, 0.99),
        }));
        clients.ForEach(c => c.Dispose());
        return held == count ? 0 : 1;
    }

    // Starts each client's handshake (rate per second, 0: as fast as the window allows) and waits for all of them.
    private static async Task<List<double>> HandshakesAsync(List<SwarmClient> clients, int window, long rate)
    {
        using var slots = new SemaphoreSlim(window, window);
        var results = new Task<double>[clients.Count];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < clients.Count; i++)
        {
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }
            }

            await slots.WaitAsync();
            var client = clients[i];
            var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (client.Gate)
            {
                client.Done = done;
                client.Attempts = 0;
                client.CookieRetries = 0;
                client.Started = Stopwatch.GetTimestamp();
                Initiate(client);
            }

            results[i] = done.Task.ContinueWith(t => { slots.Release(); return t.Result; }, TaskScheduler.Default);
        }

        return [.. await Task.WhenAll(results)];
    }

    // Under client.Gate. As GatewayClient: the retry a cookie reply asks for is not one of the attempts (up to as many again).
    private static void Initiate(SwarmClient client, bool askedByProvider = false)
    {
        client.LastTimestamp = Tai64N.NowAfter(TimeProvider.System, client.LastTimestamp);
        var plaintext = new byte[InitiationPayloadLayout.Size];
        var proof = client.Authorization;
        new InitiationPayloadLayout(client.LastTimestamp, CipherSuite.Aes256Gcm, proof is null ? (byte)0 : InitiationPayloadLayout.FlagAuthorized, client.SessionId,
            proof?.Address ?? new byte[20], proof?.NotAfter ?? 0, proof?.Signature ?? new byte[65]).Write(plaintext);
        var message = new byte[WireFormat.InitiationSize];
        var index = RandomNumberGenerator.GetInt32(int.MaxValue) is var r ? (uint)r : 0;
        var handshake = InitiatorHandshake.Create(client.Key, _providerKey, index, plaintext, client.Cookie, Stopwatch.GetTimestamp(), message)
                        ?? throw new InvalidOperationException("the provider key is not a valid X25519 key");
        if (client.Pending is { } old)
        {
            ByIndex.TryRemove(old.SenderIndex, out _);
            old.Dispose();
        }

        client.Pending = handshake;
        if (askedByProvider && client.CookieRetries < _attempts)
        {
            client.CookieRetries++;
        }
        else
        {
            client.Attempts++;
        }

        client.LastSent = Stopwatch.GetTimestamp();
        ByIndex[index] = client;
        Send(message);
    }

    private static async Task RetryAsync(List<SwarmClient> clients, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(250, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var client in clients)
            {
                lock (client.Gate)
                {
                    if (client.Pending is null || client.Done is not { Task.IsCompleted: false } || Stopwatch.GetElapsedTime(client.LastSent) < RetryAfter)
                    {
                        continue;
                    }

                    if (client.Attempts >= _attempts)
                    {
                        Finish(client, double.NaN);
                        continue;
                    }

                    Initiate(client);
                }
            }
        }
    }

    private static void Receive(CancellationToken cancellationToken)
    {
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var message = buffer.AsSpan(0, length);
            switch ((MessageType)message[0])
            {
                case MessageType.HandshakeResponse when length == WireFormat.ResponseSize:
                    OnResponse(message);
                    break;
                case MessageType.CookieReply when length == WireFormat.CookieSize:
                    OnCookie(message);
                    break;
            }
        }
    }

    private static void OnResponse(ReadOnlySpan<byte> message)
    {
        if (!ByIndex.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(message[WireFormat.ResponseReceiverIndex..]), out var client))
        {
            return;
        }

        lock (client.Gate)
        {
            var pending = client.Pending;
            Span<byte> plaintext = stackalloc byte[ResponsePayloadLayout.Size];
            Span<byte> sendKey = stackalloc byte[32];
            Span<byte> receiveKey = stackalloc byte[32];
            if (pending is null || !pending.TryConsumeResponse(message, plaintext, sendKey, receiveKey, out var responderIndex))
            {
                return;
            }

            ByIndex.TryRemove(pending.SenderIndex, out _);
            pending.Dispose();
            client.Pending = null;
            if (ResponsePayloadLayout.Read(plaintext).Status != HandshakeStatus.Accepted)
            {
                Finish(client, double.NaN);
                return;
            }

            var response = ResponsePayloadLayout.Read(plaintext);
            var isNew = client.Sender is null;
            client.Address = response.ClientIPv4;
            client.Gateway = response.GatewayIPv4;
            client.Sender?.Dispose();
            client.Sender = TransportAead.Create(CipherSuite.Aes256Gcm, sendKey);
            client.RemoteIndex = responderIndex;
            client.Counter = 0;
            Keepalive(client);
            if (isNew)
            {
                // As a real client's first DNS query or SYN: data at once, while the provider's metering still starts.
                Datagram(client);
            }
            Finish(client, Stopwatch.GetElapsedTime(client.Started).TotalMilliseconds);
        }
    }

    private static void OnCookie(ReadOnlySpan<byte> message)
    {
        if (!ByIndex.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(message[WireFormat.CookieReceiverIndex..]), out var client))
        {
            return;
        }

        lock (client.Gate)
        {
            var cookie = new byte[WireFormat.MacSize];
            if (client.Pending is { } pending && pending.TryConsumeCookie(message, cookie))
            {
                client.Cookie = cookie;
                Initiate(client, askedByProvider: true);
            }
        }
    }

    // The response's keys are confirmed to the responder by the first transport message: an empty one (a keepalive).
    private static void Keepalive(SwarmClient client)
    {
        lock (client.Gate)
        {
            if (client.Sender is not { } sender)
            {
                return;
            }

            var message = new byte[WireFormat.TransportOverhead];
            message[0] = (byte)MessageType.TransportData;
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(WireFormat.TransportReceiverIndex), client.RemoteIndex);
            BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(WireFormat.TransportCounter), client.Counter);
            sender.Seal(client.Counter, message.AsSpan(0, WireFormat.TransportHeaderSize), Span<byte>.Empty, message.AsSpan(WireFormat.TransportHeaderSize));
            client.Counter++;
            Send(message);
        }
    }

    // One UDP datagram from the session's tunnel address to the gateway's discard port (the provider's kernel answers
    // with an ICMP error): traffic the provider's capture must attribute to this session.
    private static void Datagram(SwarmClient client)
    {
        lock (client.Gate)
        {
            if (client.Sender is not { } sender || client.Address == 0)
            {
                return;
            }

            const int inner = 20 + 8 + 36;
            var padded = WireFormat.Padded(inner, 1420);
            var message = new byte[WireFormat.TransportOverhead + padded];
            var ip = message.AsSpan(WireFormat.TransportHeaderSize, inner);
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], inner);
            ip[8] = 64;
            ip[9] = 17;
            BinaryPrimitives.WriteUInt32BigEndian(ip[12..], client.Address);
            BinaryPrimitives.WriteUInt32BigEndian(ip[16..], client.Gateway);
            uint sum = 0;
            for (var i = 0; i < 20; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
            }

            sum = (sum & 0xffff) + (sum >> 16);
            sum = (sum & 0xffff) + (sum >> 16);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
            BinaryPrimitives.WriteUInt16BigEndian(ip[20..], (ushort)(40000 + (client.SessionId % 20000)));
            BinaryPrimitives.WriteUInt16BigEndian(ip[22..], 9);
            BinaryPrimitives.WriteUInt16BigEndian(ip[24..], inner - 20);
            message[0] = (byte)MessageType.TransportData;
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(WireFormat.TransportReceiverIndex), client.RemoteIndex);
            BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(WireFormat.TransportCounter), client.Counter);
            sender.Seal(client.Counter, message.AsSpan(0, WireFormat.TransportHeaderSize), message.AsSpan(WireFormat.TransportHeaderSize, padded),
                message.AsSpan(WireFormat.TransportHeaderSize + padded));
            client.Counter++;
            Send(message);
        }
    }

    private static async Task DelayUntil(Stopwatch clock, TimeSpan due)
    {
        while (clock.Elapsed < due)
        {
            await Task.Delay(due - clock.Elapsed);
        }
    }

    private static void Finish(SwarmClient client, double latency)
    {
        var done = client.Done;
        client.Done = null;
        done?.TrySetResult(latency);
    }

    private static void Send(ReadOnlySpan<byte> message)
    {
        try
        {
            _socket.SendTo(message, SocketFlags.None, _provider);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private static double? Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return Math.Round(values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)], 2);
    }
}

using System.Net;
using System.Net.Sockets;

namespace Oracle.Testing;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of a real server (the chain's RPC port, say) that a test can take down and
/// bring back on the same port: while it is down, connections are refused and open ones are cut, as when a node
/// restarts or a network path fails. <see cref="Delay"/> makes it a slow path instead: every request waits that long
/// before it goes on (<see cref="Timeout.InfiniteTimeSpan"/>: until the delay is lowered again, a node that hangs).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource? _stop;
    private Task? _accepting;

    /// <summary>Creates a proxy to <paramref name="targetUrl"/>'s host and port on a free local port (not listening yet).</summary>
    public TcpProxy(string targetUrl)
    {
        var uri = new Uri(targetUrl);
        _target = new IPEndPoint(IPAddress.Parse(uri.Host == "localhost" ? "127.0.0.1" : uri.Host), uri.Port);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    /// <summary>The proxy's port.</summary>
    public int Port { get; }

    /// <summary>The proxy's URL (same scheme as the target).</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// How long each chunk from a client waits before it is forwarded (zero: none; <see cref="Timeout.InfiniteTimeSpan"/>:
    /// held until the delay is changed). Takes effect for chunks read from then on and for those waiting.
    /// </summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections { get; private set; }

    /// <summary>Starts listening (again).</summary>
    public void Start()
    {
        if (_listener is not null)
        {
            return;
        }

        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _stop = new CancellationTokenSource();
        _accepting = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Stops listening and cuts every open connection.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stop!.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var c in _open)
            {
                c.Dispose();
            }

            _open.Clear();
        }

        try
        {
            await _accepting!;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _listener = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Connections++;
            _ = ForwardAsync(client, cancellationToken);
        }
    }

    private async Task CopyDelayedAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var since = Environment.TickCount64;
            while (Delay == Timeout.InfiniteTimeSpan || (Delay > TimeSpan.Zero && Environment.TickCount64 - since < (long)Delay.TotalMilliseconds))
            {
                await Task.Delay(10, cancellationToken);
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(client);
            _open.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(_target, cancellationToken);
            var a = CopyDelayedAsync(client.GetStream(), upstream.GetStream(), cancellationToken);
            var b = upstream.GetStream().CopyToAsync(client.GetStream(), cancellationToken);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            upstream.Dispose();
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
        }
    }
}

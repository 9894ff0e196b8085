using System.Net;
using System.Net.Sockets;
using System.Text;
using Oracle.Testing;

namespace VpnGateway.Tests.Integration;

/// <summary>
/// A minimal HTTP/1.0 file server (or a plain accept-and-close listener) whose socket lives inside a network namespace:
/// it is created on a thread that entered the namespace, then served from the thread pool.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IReadOnlyDictionary<string, byte[]> _files;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private TinyHttpServer(Socket listener, IReadOnlyDictionary<string, byte[]> files)
    {
        _listener = listener;
        _files = files;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Listens on <paramref name="address"/> (IPv4 or IPv6):<paramref name="port"/> inside <paramref name="ns"/>; empty <paramref name="files"/>: accept and close.</summary>
    public static TinyHttpServer Start(NetworkNamespace ns, string address, int port, IReadOnlyDictionary<string, byte[]> files)
    {
        var socket = ns.RunInside(() =>
        {
            var ip = IPAddress.Parse(address);
            var s = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(ip, port));
            s.Listen(64);
            return s;
        });
        return new TinyHttpServer(socket, files);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            if (_files.Count == 0)
            {
                return;
            }

            try
            {
                using var stream = new NetworkStream(client, ownsSocket: false);
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var path = request.ToString().Split(' ')[1].TrimStart('/');
                if (_files.TryGetValue(path, out var body))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
                else
                {
                    await stream.WriteAsync("HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), _stop.Token);
                }

                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}

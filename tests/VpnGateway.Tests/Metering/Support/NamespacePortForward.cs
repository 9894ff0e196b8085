using System.Net;
using System.Net.Sockets;
using Oracle.Testing;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// Makes a TCP service of this (root) namespace reachable from inside a throwaway namespace: a listener on the
/// namespace's loopback whose connections the test process pipes to the service's address here. Used to let a gateway
/// running in a namespace publish to the test broker.
/// </summary>
internal sealed class NamespacePortForward : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private NamespacePortForward(Socket listener, IPEndPoint target)
    {
        _listener = listener;
        _target = target;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> inside <paramref name="ns"/> and forwards to <paramref name="target"/>.</summary>
    public static NamespacePortForward Start(NetworkNamespace ns, int port, IPEndPoint target)
    {
        var listener = ns.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            s.Listen(16);
            return s;
        });
        return new NamespacePortForward(listener, target);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var inside = await _listener.AcceptAsync(_stop.Token);
            _ = Task.Run(() => PipeAsync(inside));
        }
    }

    private async Task PipeAsync(Socket inside)
    {
        using (inside)
        using (var outside = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                await outside.ConnectAsync(_target, _stop.Token);
                await using var a = new NetworkStream(inside, ownsSocket: false);
                await using var b = new NetworkStream(outside, ownsSocket: false);
                var up = a.CopyToAsync(b, _stop.Token);
                var down = b.CopyToAsync(a, _stop.Token);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The connection ended.
            }
        }
    }
}

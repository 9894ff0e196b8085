using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// The small process (<c>oracle-devnet devnet helper</c>) that lets the provider in its namespace use the devnet: TCP
/// relays from the root namespace's underlay address to the chain and the broker on 127.0.0.1 (answering only the
/// provider's address, or the addresses of a prefix), and web servers listening inside namespaces (the devnet's
/// internet; the main job's internet and company LAN).
/// </summary>
internal static partial class NetworkHelper
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (SIGTERM).</summary>
    public static Task<int> RunAsync(IReadOnlyList<(IPEndPoint Listen, IPEndPoint Target)> relays, IPAddress allow, string? webNamespace,
        IPEndPoint? web, CancellationToken cancellationToken)
        => RunAsync(relays, Oracle.Core.Policy.IpPrefix.Parse(allow.ToString()), webNamespace is null || web is null ? [] : [(webNamespace, web)], cancellationToken);

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (SIGTERM); the relays answer only addresses in <paramref name="allow"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<(IPEndPoint Listen, IPEndPoint Target)> relays, Oracle.Core.Policy.IpPrefix allow,
        IReadOnlyList<(string Namespace, IPEndPoint Endpoint)> webs, CancellationToken cancellationToken)
    {
        var tasks = new List<Task>();
        foreach (var (listen, target) in relays)
        {
            var listener = new TcpListener(listen);
            listener.Start();
            tasks.Add(RelayAsync(listener, target, allow, cancellationToken));
        }

        foreach (var (webNamespace, web) in webs)
        {
            var socket = InsideNamespace(webNamespace, () =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                s.Bind(web);
                s.Listen(64);
                return s;
            });
            tasks.Add(ServeWebAsync(socket, cancellationToken));
        }

        Console.WriteLine($"relaying {string.Join(", ", relays.Select(r => $"{r.Listen} -> {r.Target}"))} for {allow}; web at {string.Join(", ", webs.Select(w => $"{w.Endpoint} in {w.Namespace}"))}");
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return 0;
    }

    private static async Task RelayAsync(TcpListener listener, IPEndPoint target, Oracle.Core.Policy.IpPrefix allow, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    // Only the provider's namespace: a neighbour that routes this /24 to the host gets nothing.
                    if (client.Client.RemoteEndPoint is not IPEndPoint remote || !allow.Contains(remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address))
                    {
                        return;
                    }

                    using var upstream = new TcpClient();
                    try
                    {
                        await upstream.ConnectAsync(target, cancellationToken);
                        using var a = client.GetStream();
                        using var b = upstream.GetStream();
                        await Task.WhenAny(a.CopyToAsync(b, cancellationToken), b.CopyToAsync(a, cancellationToken));
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            }, CancellationToken.None);
        }
    }

    private static async Task ServeWebAsync(Socket listener, CancellationToken cancellationToken)
    {
        using (listener)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(cancellationToken);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var buffer = new byte[4096];
                            var request = new StringBuilder();
                            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && request.Length < 16384)
                            {
                                var n = await client.ReceiveAsync(buffer, cancellationToken);
                                if (n == 0)
                                {
                                    break;
                                }

                                request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                            }

                            var from = ((IPEndPoint)client.RemoteEndPoint!).Address;
                            var body = $"Hello from the devnet's internet. You came from {from}: the devnet provider's exit.\n";
                            var response = $"HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                            await client.SendAsync(Encoding.UTF8.GetBytes(response), cancellationToken);
                            client.Shutdown(SocketShutdown.Both);
                        }
                        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
                        {
                        }
                    }
                }, CancellationToken.None);
            }
        }
    }

    // Opens a socket inside a network namespace: on a thread that entered it (setns); the socket stays there.
    private static T InsideNamespace<T>(string name, Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{name}");
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new LocalServiceException($"setns into {name} failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new LocalServiceException($"inside namespace {name}: {error.Message}");
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}

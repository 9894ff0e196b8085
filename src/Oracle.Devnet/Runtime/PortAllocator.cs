using System.Net;
using System.Net.Sockets;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// Finds free TCP ports on 127.0.0.1: the preferred one when it is free, otherwise one the kernel picks. A port handed out
/// is also claimed across processes (a claim file under <c>$TMPDIR/oracle-ports</c> naming the claiming process), so two
/// devnets starting at once never pick the same port in the moment between the check and their server's bind. A claim
/// lapses when its process has exited or after <see cref="ClaimLifetime"/>, by which time the server holds the port.
/// </summary>
public static class PortAllocator
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>How long a claim keeps other processes off a port that is not bound yet.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(2);

    private static bool swept;

    /// <summary>Where claims are kept: one file per claimed port, holding the claiming process's id.</summary>
    internal static string ClaimFolder => Path.Combine(Path.GetTempPath(), "oracle-ports");

    /// <summary>Returns <paramref name="preferred"/> if nothing listens there, else a free ephemeral port.</summary>
    public static int Allocate(int preferred = 0)
    {
        lock (Handed)
        {
            if (preferred > 0 && !Handed.Contains(preferred) && IsFree(preferred) && TryClaim(preferred))
            {
                Handed.Add(preferred);
                return preferred;
            }

            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (!Handed.Contains(port) && TryClaim(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException("no free TCP port on 127.0.0.1");
        }
    }

    /// <summary>Returns <paramref name="preferred"/> if no UDP socket is bound there, else a free ephemeral UDP port.</summary>
    public static int AllocateUdp(int preferred = 0)
    {
        lock (Handed)
        {
            if (preferred > 0 && !Handed.Contains(preferred) && IsUdpFree(preferred) && TryClaim(preferred, "udp"))
            {
                Handed.Add(preferred);
                return preferred;
            }

            for (var attempt = 0; attempt < 50; attempt++)
            {
                int port;
                using (var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
                {
                    port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
                }

                if (!Handed.Contains(port) && TryClaim(port, "udp"))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException("no free UDP port on 127.0.0.1");
        }
    }

    /// <summary>
    /// Claims <paramref name="port"/> for this process across processes: creates its claim file unless a live claim by
    /// another process exists. A claim whose process has exited, or older than <see cref="ClaimLifetime"/>, is replaced.
    /// </summary>
    internal static bool TryClaim(int port, string protocol = "tcp")
    {
        try
        {
            Directory.CreateDirectory(ClaimFolder);
            SweepOnce();
            var path = Path.Combine(ClaimFolder, $"{protocol}-{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    using var claim = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                    claim.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    return true;
                }
                catch (IOException) when (File.Exists(path))
                {
                    if (!IsStale(path))
                    {
                        return false;
                    }

                    File.Delete(path);
                }
            }

            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No shared temp folder to claim in: fall back to the in-process bookkeeping alone.
            return true;
        }
    }

    // Claims outlive their processes; the first claim of a process deletes the lapsed ones so the folder stays small.
    private static void SweepOnce()
    {
        if (swept)
        {
            return;
        }

        swept = true;
        foreach (var path in Directory.EnumerateFiles(ClaimFolder))
        {
            try
            {
                if (IsStale(path))
                {
                    File.Delete(path);
                }
            }
            catch (IOException)
            {
                // Another process swept it first.
            }
        }
    }

    private static bool IsStale(string path)
    {
        if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > ClaimLifetime)
        {
            return true;
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return false;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            // Being written right now (or garbage): treat as live until it ages out.
            return false;
        }

        return pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }

    private static bool IsUdpFree(int port)
    {
        try
        {
            using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Whether a TCP listener can bind 127.0.0.1:<paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

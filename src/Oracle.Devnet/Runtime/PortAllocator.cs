using System.Net;
using System.Net.Sockets;

namespace Oracle.Devnet.Runtime;

/// <summary>Finds free TCP ports on 127.0.0.1: the preferred one when it is free, otherwise one the kernel picks.</summary>
public static class PortAllocator
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>Returns <paramref name="preferred"/> if nothing listens there, else a free ephemeral port.</summary>
    public static int Allocate(int preferred = 0)
    {
        lock (Handed)
        {
            if (preferred > 0 && !Handed.Contains(preferred) && IsFree(preferred))
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
                if (Handed.Add(port))
                {
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
            if (preferred > 0 && !Handed.Contains(preferred) && IsUdpFree(preferred))
            {
                Handed.Add(preferred);
                return preferred;
            }

            for (var attempt = 0; attempt < 50; attempt++)
            {
                using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("no free UDP port on 127.0.0.1");
        }
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

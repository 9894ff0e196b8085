using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PacketDotNet;
using SharpPcap;
using SharpPcap.LibPcap;

namespace VpnGateway.Metering.Capture;

/// <summary>
/// Captures one interface with libpcap (SharpPcap): buffered, headers only, IP-filtered, read on a dedicated thread
/// that hands each packet's bytes in place to an <see cref="ICapturedPacketSink"/>. Raw IP link type (TUN devices);
/// Ethernet is accepted too (test veths).
/// </summary>
/// <remarks>
/// Packets are read with <c>pcap_next_ex</c> pointers instead of SharpPcap's <c>GetNextPacket</c>, which allocates a
/// header object per packet. libpcap's statistics are 32-bit counters; <see cref="Statistics"/> widens them.
/// </remarks>
internal sealed class TunCapture : IDisposable
{
    // struct pcap_pkthdr on 64-bit Linux: struct timeval (2 × 8 bytes), caplen (u32), len (u32).
    private const int CapLenOffset = 16;
    private const int LenOffset = 20;

    private readonly LibPcapLiveDevice _device;
    private readonly ICapturedPacketSink _sink;
    private readonly ILogger _logger;
    private readonly int _linkHeader;
    private readonly TimeSpan _readTimeout;
    private readonly Lock _statsLock = new();
    private Thread? _thread;
    private volatile bool _stopping;
    private bool _disposed;
    private ulong _processed;
    private long _lastTimestampMs;
    private long _idleReads;
    private ulong _received;
    private ulong _dropped;
    private ulong _interfaceDropped;
    private uint _lastReceived;
    private uint _lastDropped;
    private uint _lastInterfaceDropped;

    private TunCapture(LibPcapLiveDevice device, int linkHeader, TimeSpan readTimeout, ICapturedPacketSink sink, ILogger logger)
    {
        _readTimeout = readTimeout;
        _device = device;
        _linkHeader = linkHeader;
        _sink = sink;
        _logger = logger;
    }

    public string InterfaceName => _device.Name;

    /// <summary>The interface's MTU when it was opened (0 if unknown).</summary>
    public int Mtu { get; private init; }

    /// <summary>Opens <paramref name="interfaceName"/> (in the calling thread's network namespace) without starting to read.</summary>
    /// <exception cref="CaptureException">The interface is missing, of an unsupported link type, or libpcap refused it.</exception>
    public static TunCapture Open(string interfaceName, CaptureOptions options, ICapturedPacketSink sink, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(logger);
        if (IntPtr.Size != 8)
        {
            throw new CaptureException("capture needs a 64-bit process (pcap_pkthdr layout)");
        }

        LibPcapLiveDevice? device = null;
        foreach (var candidate in LibPcapLiveDeviceList.New())
        {
            if (candidate.Name == interfaceName)
            {
                device = candidate;
                break;
            }
        }

        if (device is null)
        {
            throw new CaptureException($"no capturable interface named {interfaceName}");
        }

        var configuration = new DeviceConfiguration
        {
            Mode = DeviceModes.None,
            Snaplen = options.SnapLength,
            BufferSize = options.BufferBytes,
            ReadTimeout = (int)options.ReadTimeout.TotalMilliseconds,
            Immediate = false,
        };
        string? configurationError = null;
        configuration.ConfigurationFailed += (_, e) => configurationError = $"{e.Property}: {e.Error}";
        try
        {
            device.Open(configuration);
        }
        catch (PcapException e)
        {
            throw new CaptureException($"cannot capture {interfaceName}: {e.Message}", e);
        }

        if (configurationError is not null)
        {
            device.Close();
            throw new CaptureException($"cannot capture {interfaceName} as configured ({configurationError})");
        }

        var linkHeader = device.LinkType switch
        {
            LinkLayers.Raw or LinkLayers.RawLegacy => 0,
            LinkLayers.Ethernet => 14,
            var other => -1,
        };
        if (linkHeader < 0)
        {
            var type = device.LinkType;
            device.Close();
            throw new CaptureException($"{interfaceName} has link type {type}; metering reads raw IP (TUN) or Ethernet");
        }

        try
        {
            device.Filter = options.Filter;
        }
        catch (PcapException e)
        {
            device.Close();
            throw new CaptureException($"BPF filter '{options.Filter}' rejected on {interfaceName}: {e.Message}", e);
        }

        return new TunCapture(device, linkHeader, options.ReadTimeout, sink, logger) { Mtu = InterfaceMtu.Read(interfaceName) };
    }

    /// <summary>Starts the capture thread.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            return;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "capture " + _device.Name };
        _thread.Start();
    }

    /// <summary>Counters since the capture opened.</summary>
    public CaptureStatistics Statistics
    {
        get
        {
            lock (_statsLock)
            {
                if (_device.Opened)
                {
                    try
                    {
                        var s = _device.Statistics;
                        // Unsigned subtraction handles the 32-bit counters wrapping.
                        _received += s.ReceivedPackets - _lastReceived;
                        _dropped += s.DroppedPackets - _lastDropped;
                        _interfaceDropped += s.InterfaceDroppedPackets - _lastInterfaceDropped;
                        (_lastReceived, _lastDropped, _lastInterfaceDropped) = (s.ReceivedPackets, s.DroppedPackets, s.InterfaceDroppedPackets);
                    }
                    catch (PcapException e)
                    {
                        _logger.LogWarning("capture statistics of {Interface} unavailable: {Error}", _device.Name, e.Message);
                    }
                }

                return new CaptureStatistics(_received, _dropped, _interfaceDropped, Interlocked.Read(ref _processed));
            }
        }
    }

    /// <summary>
    /// Completes when every packet captured before the call was handed to the sink: the thread handed over a packet
    /// stamped at or after that moment, or found libpcap's buffer empty twice (an idle interface); at most
    /// <paramref name="timeout"/>. A session leaving a shared capture waits for it, so none of its last packets is lost.
    /// </summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var idle = Interlocked.Read(ref _idleReads);
        var deadline = DateTime.UtcNow + timeout;
        while (_thread is { IsAlive: true } && DateTime.UtcNow < deadline
               && Interlocked.Read(ref _lastTimestampMs) < since && Interlocked.Read(ref _idleReads) < idle + 2)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the capture thread (after it drained what libpcap holds) and closes the interface.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        if (_thread is not null)
        {
            // The kernel hands over its last partly filled block after the read timeout; the thread reads it and
            // stops at the next empty read. An idle interface never wakes the thread, so after two timeouts break its poll.
            if (!_thread.Join(2 * _readTimeout))
            {
                LibPcapNative.BreakLoop(_device.Handle);
                _thread.Join();
            }
        }

        _ = Statistics;
        _device.Close();
    }

    private unsafe void Run()
    {
        try
        {
            while (true)
            {
                IntPtr header = IntPtr.Zero, data = IntPtr.Zero;
                var status = _device.GetNextPacketPointers(ref header, ref data);
                if (status == 1)
                {
                    var capLength = *(uint*)((byte*)header + CapLenOffset);
                    var wireLength = *(uint*)((byte*)header + LenOffset);
                    var seconds = *(long*)header;
                    var microseconds = *(long*)((byte*)header + 8);
                    var packet = new ReadOnlySpan<byte>((byte*)data, (int)capLength);
                    var timestampMs = (seconds * 1000) + (microseconds / 1000);
                    if (_linkHeader == 0 || SkipEthernet(ref packet))
                    {
                        if (_sink.OnForwarded(packet, (int)wireLength - _linkHeader, timestampMs))
                        {
                            Interlocked.Increment(ref _processed);
                        }
                    }

                    Volatile.Write(ref _lastTimestampMs, timestampMs);
                }
                else if (status == 0)
                {
                    Interlocked.Increment(ref _idleReads);
                    // Read timeout: libpcap had nothing buffered. Stop only here, so what was buffered is drained first.
                    if (_stopping)
                    {
                        return;
                    }
                }
                else
                {
                    // -2: pcap_breakloop from Dispose.
                    if (!_stopping)
                    {
                        _logger.LogError("capture of {Interface} ended: pcap_next_ex returned {Status} ({Error})", _device.Name, status, _device.LastError);
                    }

                    return;
                }
            }
        }
        catch (Exception e) when (e is PcapException or ObjectDisposedException or DeviceNotReadyException)
        {
            _logger.LogError(e, "capture of {Interface} failed", _device.Name);
        }
    }

    private static bool SkipEthernet(ref ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14)
        {
            return false;
        }

        var etherType = (frame[12] << 8) | frame[13];
        if (etherType is not (0x0800 or 0x86DD))
        {
            return false;
        }

        frame = frame[14..];
        return true;
    }
}

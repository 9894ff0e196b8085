using Microsoft.Extensions.Logging;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>The TUN device's queues and their workers: one thread per queue, whatever the number of sessions.</summary>
internal abstract partial class TunnelEngine
{
    /// <summary>The device's name (the provider's shared device, the client's own), or null before there is one.</summary>
    public string? DeviceName => _queues is [var first, ..] ? first.Name : null;

    /// <summary>The device's queues (the receive workers write into them; one TUN worker reads each).</summary>
    protected IReadOnlyList<ITunDevice> DeviceQueues => _queues;

    /// <summary>Takes <paramref name="queues"/> (one device) into use: starts one TUN worker per queue.</summary>
    protected void AttachDevice(IReadOnlyList<ITunDevice> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        lock (_deviceLock)
        {
            if (_queues.Length > 0)
            {
                throw new InvalidOperationException($"the engine already has device {DeviceName}");
            }

            var stopping = new CancellationTokenSource();
            var workers = new TunWorker[queues.Count];
            for (var q = 0; q < queues.Count; q++)
            {
                var worker = new TunWorker(q, queues[q], _transports[q % _transports.Length], new PacketBatch(Options.TunBatch, queues[q].Mtu));
                var token = stopping.Token;
                worker.Thread = new Thread(() => TunLoop(worker, token)) { IsBackground = true, Name = $"tun-{queues[q].Name}-{q}" };
                workers[q] = worker;
            }

            _deviceStopping = stopping;
            _tunWorkers = workers;
            _queues = [.. queues];
            foreach (var worker in workers)
            {
                worker.Thread!.Start();
            }
        }
    }

    /// <summary>
    /// Stops the TUN workers (each leaves its loop when its read is woken) and, with <paramref name="dispose"/>, closes the
    /// device; completes when no worker uses the device any more, without blocking a thread.
    /// </summary>
    protected async Task StopDeviceAsync(bool dispose)
    {
        ITunDevice[] queues;
        TunWorker[] workers;
        CancellationTokenSource? stopping;
        lock (_deviceLock)
        {
            (queues, workers, stopping) = (_queues, _tunWorkers, _deviceStopping);
            _tunWorkers = [];
            _deviceStopping = null;
            if (dispose)
            {
                _queues = [];
            }
        }

        if (stopping is not null)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            foreach (var worker in workers)
            {
                await WaitQuietly(worker.Stopped.Task, ObserverTimeout).ConfigureAwait(false);
            }

            stopping.Dispose();
        }

        if (dispose)
        {
            // The receive workers may be writing a batch into a queue: let it finish before the descriptors close.
            await WaitForBatchesAsync().ConfigureAwait(false);
            foreach (var queue in queues)
            {
                queue.Dispose();
            }
        }
    }

    private void TunLoop(TunWorker worker, CancellationToken token)
    {
        try
        {
            while (worker.Queue.Read(worker.Batch, token))
            {
                Interlocked.Increment(ref worker.Generation);
                try
                {
                    SendRouted(worker.Batch, worker.Transport);
                }
                finally
                {
                    Interlocked.Increment(ref worker.Generation);
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!token.IsCancellationRequested)
            {
                Logger.LogError(e, "TUN worker {Queue} of {Device} failed", worker.Index, worker.Queue.Name);
            }
        }
        finally
        {
            worker.Stopped.TrySetResult();
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Network;

namespace VpnGateway.Tests.Doubles;

internal sealed class RecordingNetworkConfigurator : INetworkConfigurator
{
    public ConcurrentQueue<string> Actions { get; } = new();

    public Task AddAddressAsync(string device, IPAddress local, IPAddress peer, CancellationToken cancellationToken)
    {
        Actions.Enqueue($"address {device} {local} peer {peer}");
        return Task.CompletedTask;
    }

    public Task AddPrefixAddressAsync(string device, IPAddress address, int prefixLength, CancellationToken cancellationToken)
    {
        Actions.Enqueue($"address {device} {address}/{prefixLength}");
        return Task.CompletedTask;
    }

    public Task AddRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken)
    {
        Actions.Enqueue($"route {prefix} dev {device}");
        return Task.CompletedTask;
    }

    public Task RemoveRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken)
    {
        Actions.Enqueue($"unroute {prefix} dev {device}");
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> PinEndpointRouteAsync(IPAddress endpoint, CancellationToken cancellationToken)
    {
        Actions.Enqueue($"pin {endpoint}");
        return Task.FromResult<IAsyncDisposable>(new Undo(this, $"unpin {endpoint}"));
    }

    public Task<IAsyncDisposable> EnableForwardingAsync(string tableName, IpPrefix pool, string devicePrefix, string? uplink, bool masquerade, CancellationToken cancellationToken,
        bool alsoIPv6 = false)
    {
        Actions.Enqueue($"forward {pool}");
        return Task.FromResult<IAsyncDisposable>(new Undo(this, $"unforward {pool}"));
    }

    private sealed class Undo(RecordingNetworkConfigurator owner, string action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            owner.Actions.Enqueue(action);
            return ValueTask.CompletedTask;
        }
    }
}

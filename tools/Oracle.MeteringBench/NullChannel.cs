using VpnGateway.Metering.Exchange;

namespace Oracle.MeteringBench;

/// <summary>A control channel without a peer: epochs go nowhere, no voucher comes back.</summary>
internal sealed class NullChannel : IEvidenceChannel
{
    public ValueTask SendAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public IDisposable Subscribe(Func<EvidenceMessageType, ReadOnlyMemory<byte>, CancellationToken, ValueTask> handler) => new Nothing();

    private sealed class Nothing : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

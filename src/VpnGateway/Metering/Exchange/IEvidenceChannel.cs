namespace VpnGateway.Metering.Exchange;

/// <summary>
/// The part of a session's control channel (inside the tunnel) that metering uses: reliable and ordered messages of
/// the types in <see cref="EvidenceMessageType"/>. The tunnel implements it per session (mapping the types to its
/// reserved control message numbers); tests use an in-memory pair.
/// </summary>
public interface IEvidenceChannel
{
    /// <summary>Sends a message to the other gateway of the session.</summary>
    ValueTask SendAsync(EvidenceMessageType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>Delivers every message the other gateway sends, in order, to <paramref name="handler"/> until disposed.</summary>
    IDisposable Subscribe(Func<EvidenceMessageType, ReadOnlyMemory<byte>, CancellationToken, ValueTask> handler);
}

using Oracle.Core.Policy;
using VpnGateway.Tunnel;

namespace VpnGateway.Policy;

/// <summary>
/// A session's policy in the data path: the compiled matcher, the rate limit per direction, and the report of every
/// denied packet to the <see cref="IPolicyDenialSink"/> and of every rate-limited one to the <see cref="IPolicyRateLimitSink"/>. Outbound is evaluated by a receive worker, inbound by the
/// TUN workers; the compiled matcher is shared by every session with the same document and context.
/// </summary>
internal sealed class SessionPolicy
{
    private readonly IPolicyDenialSink _sink;
    private readonly IPolicyRateLimitSink? _rateLimitSink;
    private readonly TokenBucket? _outbound;
    private readonly TokenBucket? _inbound;
    private long _denied;
    private long _rateLimited;

    public SessionPolicy(ulong sessionId, CompiledPolicy policy, IPolicyDenialSink sink, TimeProvider time, IPolicyRateLimitSink? rateLimitSink = null)
    {
        _rateLimitSink = rateLimitSink;
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        SessionId = sessionId;
        Compiled = policy;
        _sink = sink;
        if (policy.RateLimit is { } limit)
        {
            var now = time.GetTimestamp();
            _outbound = new TokenBucket(limit.BytesPerSecond, limit.BurstBytes, now, time.TimestampFrequency);
            _inbound = new TokenBucket(limit.BytesPerSecond, limit.BurstBytes, now, time.TimestampFrequency);
        }
    }

    public ulong SessionId { get; }

    public CompiledPolicy Compiled { get; }

    public long Denied => Interlocked.Read(ref _denied);

    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>Decides one packet; null when it passes, else why it was dropped (denials and rate-limited packets already reported).</summary>
    public DropReason? Check(ReadOnlySpan<byte> packet, in PacketTuple tuple, TrafficDirection direction, long timestamp, long unixMilliseconds)
    {
        var decision = Compiled.Evaluate(tuple, direction);
        if (!decision.IsAllowed)
        {
            Interlocked.Increment(ref _denied);
            _sink.OnDenied(SessionId, packet, decision.RuleId, direction, unixMilliseconds);
            return DropReason.PolicyDenied;
        }

        var bucket = direction == TrafficDirection.Outbound ? _outbound : _inbound;
        if (bucket is not null && !bucket.TryTake(packet.Length, timestamp))
        {
            Interlocked.Increment(ref _rateLimited);
            _rateLimitSink?.OnRateLimited(SessionId, packet, direction, unixMilliseconds);
            return DropReason.RateLimited;
        }

        return null;
    }
}

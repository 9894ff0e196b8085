using System.Security.Cryptography;
using VpnGateway.Protocol;
using VpnGateway.Transport;

namespace VpnGateway.Crypto;

/// <summary>
/// The responder's cookies: cookie = MAC(secret, source address ‖ port) with a secret replaced every two minutes;
/// mac2 of an initiation must equal MAC(cookie, message up to mac2) when the responder is under load.
/// </summary>
internal sealed class CookieChecker
{
    private static readonly TimeSpan SecretLifetime = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private long _secretCreated;

    public CookieChecker(TimeProvider time, byte[] responderPublicKey)
    {
        _time = time;
        _secretCreated = time.GetTimestamp();
        Mac1Key = Noise.Mac1Key(responderPublicKey);
        CookieKey = Noise.CookieKey(responderPublicKey);
    }

    public byte[] Mac1Key { get; }

    public byte[] CookieKey { get; }

    public void MakeCookie(UdpEndpoint source, Span<byte> cookie)
    {
        Span<byte> input = stackalloc byte[18];
        source.WriteAddress(input);
        input[16] = (byte)(source.Port >> 8);
        input[17] = (byte)source.Port;
        Noise.Mac(Secret(), input, cookie);
    }

    public bool CheckMac2(UdpEndpoint source, ReadOnlySpan<byte> message, int mac2Offset)
    {
        Span<byte> cookie = stackalloc byte[WireFormat.MacSize];
        MakeCookie(source, cookie);
        Span<byte> mac = stackalloc byte[WireFormat.MacSize];
        Noise.Mac(cookie, message[..mac2Offset], mac);
        return CryptographicOperations.FixedTimeEquals(mac, message.Slice(mac2Offset, WireFormat.MacSize));
    }

    private byte[] Secret()
    {
        lock (_lock)
        {
            if (_time.GetElapsedTime(_secretCreated) >= SecretLifetime)
            {
                _secret = RandomNumberGenerator.GetBytes(32);
                _secretCreated = _time.GetTimestamp();
            }

            return _secret;
        }
    }
}

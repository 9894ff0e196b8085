using System.Numerics;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Oracle.Core.Eip712;

namespace VpnGateway.Tunnel;

/// <summary>Signs TunnelAuthorizations with the client's Ethereum key under the SessionManager's EIP-712 domain.</summary>
internal sealed class EthereumAuthorizationSource(EthECKey key, BigInteger chainId, string sessionManager, TimeProvider time, TimeSpan lifetime) : ITunnelAuthorizationSource
{
    private SignedTunnelAuthorization? _cached;
    private (byte[] Client, byte[] Provider, ulong Session)? _cachedFor;

    public SignedTunnelAuthorization Get(byte[] clientTunnelKey, byte[] providerTunnelKey, ulong sessionId)
    {
        var now = (ulong)time.GetUtcNow().ToUnixTimeSeconds();
        var cached = _cached;
        if (cached is not null && cached.NotAfter > now + 300 && _cachedFor is { } inputs && inputs.Session == sessionId
            && inputs.Client.AsSpan().SequenceEqual(clientTunnelKey) && inputs.Provider.AsSpan().SequenceEqual(providerTunnelKey))
        {
            return cached;
        }

        var authorization = new TunnelAuthorization
        {
            SessionId = sessionId,
            ClientTunnelKey = clientTunnelKey,
            ProviderTunnelKey = providerTunnelKey,
            NotAfter = now + (ulong)lifetime.TotalSeconds,
        };
        var signature = TypedDataSigner.Sign(authorization, TypedDataDomain.SessionManager(chainId, sessionManager), key).HexToByteArray();
        cached = new SignedTunnelAuthorization(key.GetPublicAddress().HexToByteArray(), authorization.NotAfter, signature);
        _cached = cached;
        _cachedFor = ((byte[])clientTunnelKey.Clone(), (byte[])providerTunnelKey.Clone(), sessionId);
        return cached;
    }
}

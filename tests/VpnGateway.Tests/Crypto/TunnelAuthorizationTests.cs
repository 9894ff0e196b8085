using Nethereum.Signer;
using Oracle.Core.Eip712;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Crypto;

public sealed class TunnelAuthorizationTests
{
    [Fact]
    public void TypeHash_MatchesDocumentedValue()
    {
        Assert.Equal("TunnelAuthorization(uint64 sessionId,bytes32 clientTunnelKey,bytes32 providerTunnelKey,uint64 notAfter)",
            TypedDataSigner.EncodedType<TunnelAuthorization>());
        Assert.Equal("83bb53daa6e85003fa0aa64e90ec0f8f8f709174153bfcf2be8dd1332397312e",
            Convert.ToHexStringLower(TypedDataSigner.TypeHash<TunnelAuthorization>()));
    }

    [Fact]
    public void Source_SignsRecoverableProofBoundToKeysSessionAndDomain()
    {
        var key = EthECKey.GenerateKey();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        const string manager = "0x00000000000000000000000000000000000000a1";
        var source = new EthereumAuthorizationSource(key, 31337, manager, time, TimeSpan.FromHours(1));
        var client = new byte[32];
        var provider = new byte[32];
        client[0] = 1;
        provider[0] = 2;

        var proof = source.Get(client, provider, 42);
        var message = new TunnelAuthorization { SessionId = 42, ClientTunnelKey = client, ProviderTunnelKey = provider, NotAfter = proof.NotAfter };
        var signature = "0x" + Convert.ToHexStringLower(proof.Signature);

        Assert.Equal(1_800_003_600UL, proof.NotAfter);
        Assert.Equal(key.GetPublicAddress(), TypedDataSigner.Recover(message, TypedDataDomain.SessionManager(31337, manager), signature));
        Assert.NotEqual(key.GetPublicAddress(), TypedDataSigner.Recover(message, TypedDataDomain.SessionManager(1, manager), signature));
        message.SessionId = 43;
        Assert.NotEqual(key.GetPublicAddress(), TypedDataSigner.Recover(message, TypedDataDomain.SessionManager(31337, manager), signature));
        Assert.Same(proof, source.Get(client, provider, 42));
        Assert.NotSame(proof, source.Get(client, provider, 43));
    }
}

using VpnGateway.Crypto;
using VpnGateway.Protocol;

namespace VpnGateway.Tests.Crypto;

public sealed class HandshakeTests
{
    [Fact]
    public void Handshake_BothSides_DeriveMatchingKeysAndPayloads()
    {
        using var responder = TunnelKeyPair.Generate();
        using var initiator = TunnelKeyPair.Generate();
        var payload = new byte[InitiationPayloadLayout.Size];
        Random.Shared.NextBytes(payload);
        var initiation = new byte[WireFormat.InitiationSize];

        using var pending = InitiatorHandshake.Create(initiator, responder.PublicKey, 1234, payload, default, 0, initiation)!;
        Assert.True(ResponderHandshake.CheckMac1(Noise.Mac1Key(responder.PublicKey), initiation, WireFormat.InitiationMac1));
        var received = new byte[InitiationPayloadLayout.Size];
        var answer = ResponderHandshake.TryConsumeInitiation(responder, initiation, received)!;
        var responsePayload = new byte[ResponsePayloadLayout.Size];
        responsePayload[0] = 42;
        var response = new byte[WireFormat.ResponseSize];
        var rSend = new byte[32];
        var rReceive = new byte[32];
        Assert.True(answer.TryCreateResponse(5678, responsePayload, response, rSend, rReceive));
        var iSend = new byte[32];
        var iReceive = new byte[32];
        var gotResponse = new byte[ResponsePayloadLayout.Size];
        Assert.True(pending.TryConsumeResponse(response, gotResponse, iSend, iReceive, out var responderIndex));

        Assert.Equal(payload, received);
        Assert.Equal(initiator.PublicKey, answer.InitiatorStatic);
        Assert.Equal(1234u, answer.InitiatorIndex);
        Assert.Equal(5678u, responderIndex);
        Assert.Equal(42, gotResponse[0]);
        Assert.Equal(iSend, rReceive);
        Assert.Equal(iReceive, rSend);
        Assert.NotEqual(iSend, iReceive);
    }

    [Fact]
    public void Initiation_ForAnotherResponder_FailsMac1AndDecryption()
    {
        using var responder = TunnelKeyPair.Generate();
        using var other = TunnelKeyPair.Generate();
        using var initiator = TunnelKeyPair.Generate();
        var initiation = new byte[WireFormat.InitiationSize];
        using var pending = InitiatorHandshake.Create(initiator, other.PublicKey, 1, new byte[InitiationPayloadLayout.Size], default, 0, initiation)!;

        Assert.False(ResponderHandshake.CheckMac1(Noise.Mac1Key(responder.PublicKey), initiation, WireFormat.InitiationMac1));
        Assert.Null(ResponderHandshake.TryConsumeInitiation(responder, initiation, new byte[InitiationPayloadLayout.Size]));
    }

    [Fact]
    public void Initiation_AnyByteFlipped_Refused()
    {
        using var responder = TunnelKeyPair.Generate();
        using var initiator = TunnelKeyPair.Generate();
        var initiation = new byte[WireFormat.InitiationSize];
        using var pending = InitiatorHandshake.Create(initiator, responder.PublicKey, 1, new byte[InitiationPayloadLayout.Size], default, 0, initiation)!;
        var mac1Key = Noise.Mac1Key(responder.PublicKey);

        for (var i = 0; i < WireFormat.InitiationMac2; i++)
        {
            var tampered = (byte[])initiation.Clone();
            tampered[i] ^= 0x01;
            Assert.False(ResponderHandshake.CheckMac1(mac1Key, tampered, WireFormat.InitiationMac1)
                && ResponderHandshake.TryConsumeInitiation(responder, tampered, new byte[InitiationPayloadLayout.Size]) is not null, $"byte {i}");
        }
    }

    [Fact]
    public void CookieReply_RoundTripsAndMac2Verifies()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var responder = TunnelKeyPair.Generate();
        using var initiator = TunnelKeyPair.Generate();
        var checker = new CookieChecker(time, responder.PublicKey);
        var source = new VpnGateway.Transport.UdpEndpoint(42, 4000);
        var first = new byte[WireFormat.InitiationSize];
        using var pending = InitiatorHandshake.Create(initiator, responder.PublicKey, 9, new byte[InitiationPayloadLayout.Size], default, 0, first)!;
        Assert.False(checker.CheckMac2(source, first, WireFormat.InitiationMac2));

        var cookie = new byte[16];
        checker.MakeCookie(source, cookie);
        var reply = new byte[WireFormat.CookieSize];
        CookieReply.Write(checker.CookieKey, 9, pending.Mac1, cookie, reply);
        var received = new byte[16];
        Assert.True(pending.TryConsumeCookie(reply, received));
        var retry = new byte[WireFormat.InitiationSize];
        using var second = InitiatorHandshake.Create(initiator, responder.PublicKey, 10, new byte[InitiationPayloadLayout.Size], received, 0, retry)!;

        Assert.Equal(cookie, received);
        Assert.True(checker.CheckMac2(source, retry, WireFormat.InitiationMac2));
        Assert.False(checker.CheckMac2(new VpnGateway.Transport.UdpEndpoint(43, 4000), retry, WireFormat.InitiationMac2));
    }

    [Fact]
    public void Transport_SealOpen_RoundTripsAndRejectsTampering()
    {
        var key = new byte[32];
        Random.Shared.NextBytes(key);
        foreach (var suite in new[] { CipherSuite.Aes256Gcm, CipherSuite.ChaCha20Poly1305 })
        {
            using var sender = TransportAead.Create(suite, key);
            using var receiver = TransportAead.Create(suite, key);
            var header = new byte[16];
            header[0] = 4;
            var data = "hello tunnel, hello"u8.ToArray();
            var message = (byte[])data.Clone();
            var tag = new byte[16];
            sender.Seal(7, header, message, tag);

            Assert.NotEqual(data, message);
            var copy = (byte[])message.Clone();
            Assert.False(receiver.Open(8, header, copy, tag));
            copy = (byte[])message.Clone();
            header[0] = 5;
            Assert.False(receiver.Open(7, header, copy, tag));
            header[0] = 4;
            Assert.True(receiver.Open(7, header, message, tag));
            Assert.Equal(data, message);
        }
    }
}

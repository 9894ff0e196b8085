using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Signer;
using Nethereum.Util;
using Oracle.Core.Eip712;
using Oracle.Core.Tests.Vectors;

namespace Oracle.Core.Tests.Eip712;

/// <summary>The native recovery (libsecp256k1) agrees with Nethereum's managed one, and refuses what it refuses.</summary>
public sealed class SignatureRecoveryTests
{
    [Fact]
    public void RecoverDigest_Eip712Vectors_AgreesWithNethereum()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestVectors.PathOf("eip712.json")));
        var count = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var digest = item.GetProperty("digest").GetString()!.HexToByteArray();
            var signature = item.GetProperty("signature").GetString()!;
            var nethereum = new MessageSigner().EcRecover(digest, signature);

            var native = TypedDataSigner.RecoverDigest(digest, signature.HexToByteArray());

            Assert.Equal(AddressUtil.Current.ConvertToChecksumAddress(nethereum), native);
            Assert.Equal(item.GetProperty("signer").GetString(), native);
            count++;
        }

        Assert.Equal(7, count);
    }

    [Fact]
    public void RecoverDigest_RandomKeysAndDigests_AgreesWithNethereum()
    {
        var random = new Random(11);
        for (var i = 0; i < 100; i++)
        {
            var key = EthECKey.GenerateKey();
            var digest = new byte[32];
            random.NextBytes(digest);
            var signature = key.SignAndCalculateV(digest);
            var bytes = new byte[65];
            signature.R.CopyTo(bytes.AsSpan(32 - signature.R.Length));
            signature.S.CopyTo(bytes.AsSpan(64 - signature.S.Length));
            bytes[64] = signature.V[0];

            Assert.Equal(AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress()), TypedDataSigner.RecoverDigest(digest, bytes));
            Assert.Equal(AddressUtil.Current.ConvertToChecksumAddress(new MessageSigner().EcRecover(digest, bytes.ToHex(true))), TypedDataSigner.RecoverDigest(digest, bytes));
        }
    }

    [Fact]
    public void HashAndSign_VouchersCheckpointsAuthorizations_EqualNethereumsGenericEncoderAndSigner()
    {
        var random = new Random(12);
        var key = EthECKey.GenerateKey();
        for (var i = 0; i < 40; i++)
        {
            var domain = TypedDataDomain.SessionManager(random.Next(1, 100_000), "0x" + Convert.ToHexStringLower(Bytes(random, 20)));
            var amount = new System.Numerics.BigInteger(Bytes(random, random.Next(1, 33)), isUnsigned: true);
            var voucher = new Voucher { SessionId = (ulong)random.NextInt64(), CumulativeAmount = amount, CumulativeBytes = (ulong)random.NextInt64(), LogSize = (ulong)random.NextInt64(), LogRoot = Bytes(random, 32) };
            var checkpoint = new Checkpoint { SessionId = (ulong)random.NextInt64(), TreeSize = (ulong)random.NextInt64(), Root = Bytes(random, 32), EpochTime = (ulong)random.NextInt64(), CaptureDrops = (ulong)random.Next() };
            var authorization = new TunnelAuthorization { SessionId = (ulong)random.NextInt64(), ClientTunnelKey = Bytes(random, 32), ProviderTunnelKey = Bytes(random, 32), NotAfter = (ulong)random.NextInt64() };

            Assert.Equal(Nethereum.ABI.EIP712.Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(voucher, TypedDataSigner.TypedData<Voucher>(domain)), TypedDataSigner.Hash(voucher, domain));
            Assert.Equal(Nethereum.ABI.EIP712.Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(checkpoint, TypedDataSigner.TypedData<Checkpoint>(domain)), TypedDataSigner.Hash(checkpoint, domain));
            Assert.Equal(Nethereum.ABI.EIP712.Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(authorization, TypedDataSigner.TypedData<TunnelAuthorization>(domain)), TypedDataSigner.Hash(authorization, domain));
            Assert.Equal(Nethereum.Signer.EIP712.Eip712TypedDataSigner.Current.SignTypedDataV4(voucher, TypedDataSigner.TypedData<Voucher>(domain), key).ToLowerInvariant(),
                TypedDataSigner.Sign(voucher, domain, key));
        }
    }

    [Fact]
    public void RecoverDigest_MalformedOrMalleable_Null()
    {
        var key = EthECKey.GenerateKey();
        var digest = new byte[32];
        digest[0] = 1;
        var signature = key.SignAndCalculateV(digest);
        var good = new byte[65];
        signature.R.CopyTo(good.AsSpan(32 - signature.R.Length));
        signature.S.CopyTo(good.AsSpan(64 - signature.S.Length));
        good[64] = signature.V[0];
        var highS = (byte[])good.Clone();
        var s = new System.Numerics.BigInteger(good.AsSpan(32, 32), isUnsigned: true, isBigEndian: true);
        var n = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        (n - s).ToByteArray(isUnsigned: true, isBigEndian: true).CopyTo(highS.AsSpan(32));
        highS[64] = (byte)(good[64] == 27 ? 28 : 27);
        var badV = (byte[])good.Clone();
        badV[64] = 29;
        var rOverflow = (byte[])good.Clone();
        rOverflow.AsSpan(0, 32).Fill(0xFF);

        Assert.NotNull(TypedDataSigner.RecoverDigest(digest, good));
        Assert.Null(TypedDataSigner.RecoverDigest(digest, highS));
        Assert.Null(TypedDataSigner.RecoverDigest(digest, badV));
        Assert.Null(TypedDataSigner.RecoverDigest(digest, rOverflow));
        Assert.Null(TypedDataSigner.RecoverDigest(digest, good.AsSpan(1)));
        Assert.Null(TypedDataSigner.RecoverDigest(digest.AsSpan(1), good));
        Assert.Null(TypedDataSigner.RecoverDigest(digest, new byte[65] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 27 }));
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

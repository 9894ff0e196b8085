using System.Numerics;
using System.Security.Cryptography;
using Nethereum.ABI;
using Nethereum.Util;
using Oracle.Core.Randomness;

namespace Oracle.Core.Tests.Randomness;

public sealed class Bn254Tests
{
    [Fact]
    public void HashToG1_AnyMessage_IsOnTheCurveAndDeterministic()
    {
        for (var i = 0; i < 20; i++)
        {
            var message = SHA256.HashData(BitConverter.GetBytes(i));
            var point = Bn254.HashToG1(message);
            Assert.True(Bn254.IsOnCurve(point));
            Assert.False(point.IsInfinity);
            Assert.Equal(point, Bn254.HashToG1(message));
        }

        Assert.Throws<ArgumentException>(() => Bn254.HashToG1(new byte[31]));
    }

    [Fact]
    public void Multiply_ByTheGroupOrder_GivesInfinityInG1AndG2()
    {
        Assert.True(Bn254.Multiply(Bn254.G1Generator, Bn254.R).IsInfinity);
        Assert.True(Bn254.Multiply(Bn254.G2Generator, Bn254.R).IsInfinity);
        Assert.True(Bn254.IsOnCurve(Bn254.G2Generator));
        // (r - 1) G = -G
        var minusOne = Bn254.Multiply(Bn254.G1Generator, Bn254.R - 1);
        Assert.Equal(Bn254.G1Generator.X, minusOne.X);
        Assert.Equal(Bn254.P - Bn254.G1Generator.Y, minusOne.Y);
    }

    [Fact]
    public void Multiply_SumOfScalars_IsTheSumOfPoints()
    {
        var a = new BigInteger(RandomNumberGenerator.GetBytes(31), isUnsigned: true);
        var b = new BigInteger(RandomNumberGenerator.GetBytes(31), isUnsigned: true);
        var h = Bn254.HashToG1(SHA256.HashData("oracle bn254 test"u8));

        Assert.Equal(Bn254.Multiply(h, a + b), Bn254.Add(Bn254.Multiply(h, a), Bn254.Multiply(h, b)));
        Assert.Equal(Bn254.Multiply(Bn254.G2Generator, a + b), Bn254.Add(Bn254.Multiply(Bn254.G2Generator, a), Bn254.Multiply(Bn254.G2Generator, b)));
        Assert.True(Bn254.IsOnCurve(Bn254.Multiply(Bn254.G2Generator, a)));
    }

    [Fact]
    public void VrfKey_Secret_PublicKeyOnTheTwistKeyHashOfItsWordsProofDeterministic()
    {
        var key = VrfKey.FromSecret(SHA256.HashData("oracle vrf test key"u8));
        var words = key.PublicKey.ToEip197();
        var abi = new ABIEncode();

        Assert.True(Bn254.IsOnCurve(key.PublicKey));
        Assert.Equal(Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(words.Select(w => new ABIValue("uint256", w)).ToArray())), key.KeyHash);
        var seed = VrfKey.Seed(7, SHA256.HashData("block"u8));
        Assert.Equal(Sha3Keccack.Current.CalculateHash(abi.GetABIEncoded(new ABIValue("uint256", 7), new ABIValue("bytes32", SHA256.HashData("block"u8)))), seed);
        var proof = key.Prove(seed);
        Assert.True(Bn254.IsOnCurve(proof));
        Assert.Equal(proof, key.Prove(seed));
        Assert.NotEqual(VrfKey.Word(proof, 0), VrfKey.Word(proof, 1));
        Assert.Throws<ArgumentException>(() => VrfKey.FromSecret(new byte[32]));
        Assert.Throws<ArgumentException>(() => VrfKey.FromSecret(new byte[31]));
        Assert.Throws<ArgumentException>(() => VrfKey.Seed(1, new byte[3]));
    }
}

using System.Numerics;
using Oracle.Actions.Sessions;

namespace Oracle.Actions.Tests.Sessions;

public sealed class VoucherDocumentTests
{
    [Fact]
    public void ToJson_ThenParse_SameVoucher()
    {
        var voucher = new VoucherDocument(7, BigInteger.Pow(2, 200) + 3, 1 << 30, 12, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0, 65).Select(i => (byte)(i * 3)).ToArray());

        var again = VoucherDocument.Parse(voucher.ToJson());

        Assert.Equal(voucher.SessionId, again.SessionId);
        Assert.Equal(voucher.CumulativeAmount, again.CumulativeAmount);
        Assert.Equal(voucher.CumulativeBytes, again.CumulativeBytes);
        Assert.Equal(voucher.LogSize, again.LogSize);
        Assert.Equal(voucher.LogRoot, again.LogRoot);
        Assert.Equal(voucher.Signature, again.Signature);
    }

    [Theory]
    [InlineData("""{"cumulativeAmount": "1"}""", "sessionId is missing")]
    [InlineData("""{"sessionId": 1, "cumulativeAmount": "1.5", "cumulativeBytes": 1, "logSize": 1, "logRoot": "0x00", "signature": "0x00"}""", "cumulativeAmount must be a whole number")]
    [InlineData("""{"sessionId": 1, "cumulativeAmount": "1", "cumulativeBytes": 1, "logSize": 1, "logRoot": "0x00", "signature": "0x00"}""", "logRoot must be 0x and 64 hex digits")]
    [InlineData("""{"sessionId": true}""", "must be a string or a number")]
    [InlineData("nonsense", "not JSON")]
    public void Parse_Wrong_RefusedNamingTheField(string json, string reason)
    {
        var error = Assert.Throws<ActionFailedException>(() => VoucherDocument.Parse(json));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}

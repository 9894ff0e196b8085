using Oracle.Actions.Units;

namespace Oracle.Actions.Tests.Units;

public sealed class AddressesTests
{
    private const string Checksummed = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

    [Theory]
    [InlineData(Checksummed)]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")]
    [InlineData("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED")]
    public void TryParse_ChecksumOrOneCase_ChecksummedForm(string text)
    {
        Assert.True(Addresses.TryParse(text, out var address, out var error), error);
        Assert.Equal(Checksummed, address);
    }

    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", "checksum")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea", "not an address")]
    [InlineData("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "not an address")]
    [InlineData("0x0000000000000000000000000000000000000000", "zero address")]
    public void TryParse_Wrong_ReasonGiven(string text, string reason)
    {
        Assert.False(Addresses.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}

using Oracle.Chain.Keys;
using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class KeysCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Create_NewFile_WritesAKeystoreThatDecryptsToThePrintedAddress()
    {
        var path = Path.Combine(_cli.Folder, "new.json");

        var result = await _cli.RunAsync("keys", "create", "--out", path, "--light");

        Assert.True(result.ExitCode == 0, result.ToString());
        var address = result.Output.Split('\n')[0].Trim();
        var key = KeyStoreFile.Load(path, CliHarness.Password);
        Assert.Equal(address, Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress()));
    }

    [Fact]
    public async Task Create_FileExists_RefusedAndTheFileIsUntouched()
    {
        var path = Path.Combine(_cli.Folder, "taken.json");
        await File.WriteAllTextAsync(path, "precious");

        var result = await _cli.RunAsync("keys", "create", "--out", path, "--light");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("never overwritten", result.Error, StringComparison.Ordinal);
        Assert.Equal("precious", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Create_ShortPasswordForARealKey_Refused()
    {
        _cli.Set(KeyStoreFile.PasswordVariable, "short");

        var result = await _cli.RunAsync("keys", "create", "--out", Path.Combine(_cli.Folder, "weak.json"));

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("at least 8 characters", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cli.Folder, "weak.json")));
    }

    [Fact]
    public async Task Import_PrivateKeyFile_KeystoreHoldsThatKey()
    {
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        var keyFile = Path.Combine(_cli.Folder, "secret.txt");
        await File.WriteAllTextAsync(keyFile, "0x" + Convert.ToHexStringLower(key.GetPrivateKeyAsBytes()).PadLeft(64, '0') + "\n");
        var path = Path.Combine(_cli.Folder, "imported.json");

        var result = await _cli.RunAsync("keys", "import", "--private-key-file", keyFile, "--out", path, "--light", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(key.GetPublicAddress(), result.Json.GetProperty("address").GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(key.GetPublicAddress(), KeyStoreFile.Load(path, CliHarness.Password).GetPublicAddress());
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("zz34567890123456789012345678901234567890123456789012345678901234")]
    public async Task Import_NotAPrivateKey_RefusedInOneLine(string text)
    {
        var keyFile = Path.Combine(_cli.Folder, $"bad-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(keyFile, text);

        var result = await _cli.RunAsync("keys", "import", "--private-key-file", keyFile, "--out", Path.Combine(_cli.Folder, "x.json"), "--light");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Show_FundedAccount_PrintsEthWbtcAndVpn()
    {
        var user = await _cli.NewUserAsync(7);
        await user.BuyVpnAsync("12.5");

        var result = await user.RunAsync("keys", "show", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(user.Address, result.Json.GetProperty("address").GetString());
        // Buying by the VPN wanted pays whole wei, so it may give a few base units more (less than one wei's worth).
        Assert.StartsWith("12.5", result.Json.GetProperty("vpn").GetProperty("amount").GetString(), StringComparison.Ordinal);
        Assert.Equal("wBTC", result.Json.GetProperty("wrappedBtc").GetProperty("asset").GetString());
        Assert.StartsWith("6.99", result.Json.GetProperty("eth").GetProperty("amount").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_WrongPassword_KeyErrorInOneLineWithoutStackTrace()
    {
        var user = await _cli.NewUserAsync();
        _cli.Set(KeyStoreFile.PasswordVariable, "not the password");

        var result = await user.RunAsync("keys", "show");

        Assert.Equal(ExitCodes.Key, result.ExitCode);
        Assert.Contains("wrong password", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
        Assert.DoesNotContain(" at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ChainDown_UnavailableInOneLine()
    {
        var user = await _cli.NewUserAsync();
        _cli.Set("ORACLE_Chain__RpcUrl", "http://127.0.0.1:1");

        var result = await user.RunAsync("keys", "show");

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        Assert.Contains("does not answer", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Show_AddressNotChecksummed_RefusedAsMistyped()
    {
        var user = await _cli.NewUserAsync();
        var mistyped = user.Address[..^1] + (char.IsUpper(user.Address[^1]) ? char.ToLowerInvariant(user.Address[^1]) : char.ToUpperInvariant(user.Address[^1]));
        var wrong = mistyped == user.Address ? user.Address.Replace('a', 'A') : mistyped;

        var result = await _cli.RunAsync("keys", "show", "--address", wrong == user.Address ? "0x12" : wrong);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
    }

    [Fact]
    public async Task Address_NoChainNeeded_PrintsTheKeystoresAddress()
    {
        var user = await _cli.NewUserAsync();
        _cli.Set("ORACLE_Chain__RpcUrl", "http://127.0.0.1:1");

        var result = await user.RunAsync("keys", "address");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(user.Address, result.Output.Split('\n')[0].Trim());
    }
}

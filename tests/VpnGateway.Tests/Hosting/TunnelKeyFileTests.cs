using Oracle.Chain.Keys;
using VpnGateway.Hosting;

namespace VpnGateway.Tests.Hosting;

public sealed class TunnelKeyFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gwkeys-").FullName;

    [Fact]
    public void CreateThenLoad_SameKeyPairOwnerOnlyFile()
    {
        var password = Path.Combine(_folder, "password");
        File.WriteAllText(password, "correct horse\n");
        var path = Path.Combine(_folder, "tunnel.json");

        using var created = TunnelKeyFile.Create(path, password, light: true);
        using var loaded = TunnelKeyFile.Load(path, password);

        Assert.Equal(created.PublicKey, loaded.PublicKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Throws<IOException>(() => TunnelKeyFile.Create(path, password, light: true));
    }

    [Fact]
    public void Load_WrongPasswordOrMissingFile_ClearError()
    {
        var password = Path.Combine(_folder, "password");
        File.WriteAllText(password, "right");
        var path = Path.Combine(_folder, "tunnel.json");
        using (TunnelKeyFile.Create(path, password, light: true))
        {
        }

        File.WriteAllText(password, "wrong");

        Assert.Contains("wrong password", Assert.Throws<KeyStoreException>(() => TunnelKeyFile.Load(path, password)).Message, StringComparison.Ordinal);
        Assert.Contains("keygen", Assert.Throws<KeyStoreException>(() => TunnelKeyFile.Load(Path.Combine(_folder, "none.json"), password)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePublicKey_Base64AndHex_SameKey()
    {
        var key = new byte[32];
        Random.Shared.NextBytes(key);

        Assert.Equal(key, TunnelKeyFile.ParsePublicKey(Convert.ToBase64String(key)));
        Assert.Equal(key, TunnelKeyFile.ParsePublicKey("0x" + Convert.ToHexStringLower(key)));
        Assert.Throws<FormatException>(() => TunnelKeyFile.ParsePublicKey("0x1234"));
        Assert.Throws<FormatException>(() => TunnelKeyFile.ParsePublicKey("not a key"));
    }

    [Fact]
    public void ParsePublicKey_Base64BeginningWith0x_ReadAsBase64()
    {
        // About one random key in 2,000 has a base64 form that begins with "0X" or "0x" (a test flaked on this).
        var key = Convert.FromBase64String("0XFAglw4dMRwSJWojjrJN8XrvBhqHenZhjLmv+MAXA0=");

        Assert.Equal(key, TunnelKeyFile.ParsePublicKey("0XFAglw4dMRwSJWojjrJN8XrvBhqHenZhjLmv+MAXA0="));
        Assert.Equal(key, TunnelKeyFile.ParsePublicKey("0x" + Convert.ToHexStringLower(key)));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

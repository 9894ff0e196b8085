using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Oracle.Chain.Keys;
using VpnGateway.Crypto;

namespace VpnGateway.Hosting;

/// <summary>
/// The X25519 tunnel key in a Web3 Secret Storage (keystore v3) file: the same scrypt + AES-128-CTR encryption and
/// password handling as the Ethereum keys; the <c>address</c> field holds the public key in hex for reference.
/// </summary>
internal static class TunnelKeyFile
{
    public static TunnelKeyPair Load(string path, string? passwordFile)
    {
        if (!File.Exists(path))
        {
            throw new KeyStoreException($"tunnel keystore {path} does not exist (create one with 'vpngateway keygen --out {path}')");
        }

        var password = ReadPassword(passwordFile);
        byte[] raw;
        try
        {
            raw = new KeyStoreService().DecryptKeyStoreFromJson(password, File.ReadAllText(path));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new KeyStoreException($"cannot decrypt tunnel keystore {path}: wrong password or damaged file ({e.Message})", e);
        }

        if (raw.Length != TunnelKeyPair.KeySize)
        {
            throw new KeyStoreException($"{path} does not hold a 32-byte tunnel key");
        }

        return TunnelKeyPair.FromPrivateKey(raw);
    }

    public static TunnelKeyPair Create(string path, string? passwordFile, bool light) => Save(path, passwordFile, light, TunnelKeyPair.Generate());

    /// <summary>Writes <paramref name="key"/> into a new keystore file at <paramref name="path"/> (never overwritten); returns it.</summary>
    public static TunnelKeyPair Save(string path, string? passwordFile, bool light, TunnelKeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var password = ReadPassword(passwordFile, "--password-file");
        var scrypt = new KeyStoreScryptService();
        var parameters = new ScryptParams { Dklen = 32, N = light ? 4096 : 262144, R = 8, P = 1 };
        var json = scrypt.EncryptAndGenerateKeyStoreAsJson(password, key.ExportPrivateKey(), Convert.ToHexStringLower(key.PublicKey), parameters);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), options);
        writer.Write(json);
        return key;
    }

    /// <summary>Parses a public key written as base64 (44 characters) or 0x-hex (66).</summary>
    public static byte[] ParsePublicKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        byte[] key;
        try
        {
            // 32 bytes are 66 characters as 0x-hex and 44 as base64: decide by length, since base64 may begin with "0x" too.
            key = text.Length == 2 + (2 * TunnelKeyPair.KeySize) && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? Convert.FromHexString(text[2..])
                : Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new FormatException($"'{text}' is not a tunnel public key (base64 or 0x-hex of 32 bytes)");
        }

        return key.Length == TunnelKeyPair.KeySize ? key : throw new FormatException($"'{text}' is not 32 bytes");
    }

    /// <summary>The keystores' password: the first line of <paramref name="passwordFile"/>, else <c>ORACLE_KEYSTORE_PASSWORD</c>.</summary>
    public static string ReadPassword(string? passwordFile, string passwordFileOption = "Keys:PasswordFile")
    {
        if (passwordFile is not null)
        {
            return File.Exists(passwordFile)
                ? File.ReadAllText(passwordFile).Split('\n')[0].TrimEnd('\r')
                : throw new KeyStoreException($"password file {passwordFile} does not exist");
        }

        return Environment.GetEnvironmentVariable(KeyStoreFile.PasswordVariable)
            ?? throw new KeyStoreException($"no keystore password: give {passwordFileOption} or set {KeyStoreFile.PasswordVariable}");
    }
}

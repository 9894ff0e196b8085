using Nethereum.KeyStore;
using Nethereum.KeyStore.Model;
using Nethereum.Signer;

namespace Oracle.Chain.Keys;

/// <summary>Reads and writes keys as Web3 Secret Storage (keystore v3) files, the format geth and clef use.</summary>
public static class KeyStoreFile
{
    /// <summary>The environment variable that may hold a keystore password when no password file is given.</summary>
    public const string PasswordVariable = "ORACLE_KEYSTORE_PASSWORD";

    /// <summary>Decrypts the key in <paramref name="path"/>.</summary>
    /// <exception cref="KeyStoreException">The file is missing, malformed, or the password is wrong.</exception>
    public static EthECKey Load(string path, string password)
    {
        if (!File.Exists(path))
        {
            throw new KeyStoreException($"keystore file {path} does not exist");
        }

        try
        {
            var privateKey = new KeyStoreService().DecryptKeyStoreFromJson(password, File.ReadAllText(path));
            return new EthECKey(privateKey, isPrivate: true);
        }
        catch (Exception e) when (e is not KeyStoreException and not IOException)
        {
            throw new KeyStoreException($"cannot decrypt keystore {path}: wrong password or damaged file ({e.Message})", e);
        }
    }

    /// <summary>
    /// Decrypts the key in <paramref name="path"/> with the password read from <paramref name="passwordFile"/>
    /// (first line, trailing newline ignored) or, when that is null, from <see cref="PasswordVariable"/>.
    /// </summary>
    public static EthECKey LoadWithPasswordFile(string path, string? passwordFile, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string password;
        if (passwordFile is not null)
        {
            if (!File.Exists(passwordFile))
            {
                throw new KeyStoreException($"password file {passwordFile} does not exist");
            }

            password = File.ReadAllText(passwordFile).Split('\n')[0].TrimEnd('\r');
        }
        else
        {
            password = environment(PasswordVariable)
                ?? throw new KeyStoreException($"no password for keystore {path}: give a password file or set {PasswordVariable}");
        }

        return Load(path, password);
    }

    /// <summary>
    /// Decrypts a VRF proving key (LocalVrfCoordinator's BLS secret, stored as the keystore's 32 secret bytes) with the
    /// password from <paramref name="passwordFile"/> or <see cref="PasswordVariable"/>.
    /// </summary>
    /// <exception cref="KeyStoreException">The file is missing, malformed, or the password is wrong.</exception>
    public static Oracle.Core.Randomness.VrfKey LoadVrfKeyWithPasswordFile(string path, string? passwordFile, Func<string, string?>? environment = null)
        => Oracle.Core.Randomness.VrfKey.FromSecret(LoadWithPasswordFile(path, passwordFile, environment).GetPrivateKeyAsBytes());

    /// <summary>Encrypts <paramref name="key"/> into a new keystore file readable only by its owner.</summary>
    /// <param name="path">Where to write; an existing file is never overwritten.</param>
    /// <param name="key">The key.</param>
    /// <param name="password">The password.</param>
    /// <param name="cost">Scrypt cost: <see cref="KeyStoreCost.Standard"/> (geth's default) for real keys,
    /// <see cref="KeyStoreCost.Light"/> only for throwaway devnet keys.</param>
    public static void Create(string path, EthECKey key, string password, KeyStoreCost cost = KeyStoreCost.Standard)
    {
        var scrypt = new KeyStoreScryptService();
        var parameters = new ScryptParams { Dklen = 32, N = cost == KeyStoreCost.Standard ? 262144 : 4096, R = 8, P = 1 };
        // A key below 2^248 comes back from Nethereum with fewer than 32 bytes (leading zeros dropped); keystores hold 32.
        var bytes = key.GetPrivateKeyAsBytes();
        var privateKey = bytes.Length >= 32 ? bytes[^32..] : [.. new byte[32 - bytes.Length], .. bytes];
        var json = scrypt.EncryptAndGenerateKeyStoreAsJson(password, privateKey, key.GetPublicAddress(), parameters);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(json);
    }
}

using System.CommandLine;
using System.Globalization;
using Nethereum.Signer;
using Oracle.Chain.Keys;
using VpnGateway.Hosting;

namespace VpnGateway.Commands;

/// <summary>
/// <c>vpngateway keygen</c>: create a key in a keystore file (Web3 Secret Storage) and print its public part — the X25519
/// tunnel key (default), or with <c>--ethereum</c> the Ethereum key that metering and on-chain sessions need, new or
/// imported.
/// </summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Keystore file to create (never overwritten)", Required = true };
        var passwordFile = new Option<string?>("--password-file") { Description = "File whose first line is the password (else ORACLE_KEYSTORE_PASSWORD)" };
        var light = new Option<bool>("--light") { Description = "Cheap scrypt parameters, for throwaway test keys only" };
        var show = new Option<bool>("--show") { Description = "Do not create: print the public key (or address) of an existing keystore" };
        var ethereum = new Option<bool>("--ethereum") { Description = "An Ethereum key (secp256k1; prints its address) instead of a tunnel key" };
        var import = new Option<string?>("--import")
        {
            Description = "With --ethereum: encrypt an existing private key (64 hex digits, 0x optional) read from this file, or '-' for standard input",
        };
        var command = new Command("keygen", "Create a tunnel key (X25519) or, with --ethereum, an Ethereum key in a keystore file and print its public part")
        {
            output, passwordFile, light, show, ethereum, import,
        };
        command.SetAction(result =>
        {
            try
            {
                var path = result.GetValue(output)!;
                var password = result.GetValue(passwordFile);
                if (result.GetValue(import) is not null && !result.GetValue(ethereum))
                {
                    throw new GatewayConfigurationException("--import imports Ethereum keys: add --ethereum (tunnel keys are always made here)");
                }

                if (result.GetValue(ethereum))
                {
                    Ethereum(path, password, result.GetValue(show), result.GetValue(import), result.GetValue(light));
                }
                else
                {
                    Tunnel(path, password, result.GetValue(show), result.GetValue(light));
                }

                return 0;
            }
            catch (Exception e) when (e is GatewayConfigurationException or KeyStoreException)
            {
                Console.Error.WriteLine($"vpngateway keygen: {e.Message}");
                return GatewayHost.ConfigurationErrorExitCode;
            }
        });
        return command;
    }

    private static void Tunnel(string path, string? passwordFile, bool show, bool light)
    {
        if (!show)
        {
            CheckCreate(path, passwordFile);
        }

        using var key = show ? TunnelKeyFile.Load(path, passwordFile) : TunnelKeyFile.Create(path, passwordFile, light);
        Console.WriteLine(Convert.ToBase64String(key.PublicKey));
        Console.WriteLine("0x" + Convert.ToHexStringLower(key.PublicKey));
    }

    private static void Ethereum(string path, string? passwordFile, bool show, string? import, bool light)
    {
        if (show)
        {
            Console.WriteLine(KeyStoreFile.LoadWithPasswordFile(path, passwordFile).GetPublicAddress());
            return;
        }

        var password = CheckCreate(path, passwordFile);
        var key = import is null ? EthECKey.GenerateKey() : new EthECKey(ReadPrivateKey(import), isPrivate: true);
        try
        {
            KeyStoreFile.Create(path, key, password, light ? KeyStoreCost.Light : KeyStoreCost.Standard);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException($"cannot write {path}: {e.Message}", e);
        }

        Console.WriteLine(key.GetPublicAddress());
    }

    /// <summary>The checks before writing a new keystore; returns the password.</summary>
    private static string CheckCreate(string path, string? passwordFile)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new GatewayConfigurationException($"{path} exists: keygen never overwrites a key (choose another --out, or --show prints what it holds)");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new GatewayConfigurationException($"cannot write {path}: the folder {directory} does not exist");
        }

        var password = TunnelKeyFile.ReadPassword(passwordFile, "--password-file");
        return password.Length > 0
            ? password
            : throw new GatewayConfigurationException($"the password is empty ({(passwordFile is null ? KeyStoreFile.PasswordVariable : $"first line of {passwordFile}")}): a keystore needs a password");
    }

    private static byte[] ReadPrivateKey(string source)
    {
        string text;
        try
        {
            text = source == "-" ? Console.In.ReadLine() ?? string.Empty : File.ReadAllText(source).Split('\n')[0];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException($"--import {source}: {e.Message}", e);
        }

        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        if (text.Length != 64 || !text.All(Uri.IsHexDigit))
        {
            throw new GatewayConfigurationException($"--import {source}: not a private key (64 hex digits, 0x optional, on the first line)");
        }

        var key = Convert.FromHexString(text);
        // secp256k1: 0 < key < n.
        var value = new System.Numerics.BigInteger(key, isUnsigned: true, isBigEndian: true);
        var order = System.Numerics.BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return value > 0 && value < order ? key : throw new GatewayConfigurationException($"--import {source}: not a valid secp256k1 private key (zero or not below the curve order)");
    }
}

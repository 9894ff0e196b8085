using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Nethereum.Signer;
using Oracle.Chain;
using Oracle.Chain.Keys;
using OracleNode.Hosting;

namespace OracleNode.Commands;

/// <summary><c>oracle-node init</c>: create the node's Ethereum key in a keystore file and print its address.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var keystore = new Option<string?>("--keystore") { Description = "Keystore file to create (never overwritten); default Chain:Keystore of the configuration" };
        var passwordFile = new Option<string?>("--password-file") { Description = "File whose first line is the password (default Chain:PasswordFile, else ORACLE_KEYSTORE_PASSWORD)" };
        var light = new Option<bool>("--light") { Description = "Cheap scrypt parameters, for throwaway test keys only" };
        var command = new Command("init", "Create the oracle's Ethereum key (a Web3 Secret Storage keystore file) and print its address") { keystore, passwordFile, light };
        command.SetAction((result, ct) => CommandRunner.RunAsync(() =>
        {
            var configuration = NodeConfiguration.Build(result.GetValue(CommonOptions.Config));
            var path = result.GetValue(keystore) ?? configuration["Chain:Keystore"]
                ?? throw new CommandException("no keystore path: pass --keystore or set Chain:Keystore");
            var passwordPath = result.GetValue(passwordFile) ?? configuration["Chain:PasswordFile"];
            var password = passwordPath is not null
                ? ReadPassword(passwordPath)
                : Environment.GetEnvironmentVariable(KeyStoreFile.PasswordVariable)
                    ?? throw new CommandException($"no password: pass --password-file, set Chain:PasswordFile or {KeyStoreFile.PasswordVariable}");
            if (password.Length < 8)
            {
                throw new CommandException("the password is shorter than 8 characters");
            }

            if (File.Exists(path))
            {
                throw new CommandException($"{Path.GetFullPath(path)} exists; init never overwrites a key (its stake and votes depend on it)");
            }

            var key = new EthECKey(RandomNumberGenerator.GetBytes(32), isPrivate: true);
            KeyStoreFile.Create(path, key, password, result.GetValue(light) ? KeyStoreCost.Light : KeyStoreCost.Standard);
            Console.WriteLine(key.GetPublicAddress());
            Console.Error.WriteLine($"created {Path.GetFullPath(path)}; fund this address with ETH for gas and VPN to stake, then: oracle-node stake <amount>");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static string ReadPassword(string path)
    {
        if (!File.Exists(path))
        {
            throw new CommandException($"the password file {Path.GetFullPath(path)} does not exist");
        }

        return File.ReadLines(path).FirstOrDefault()?.TrimEnd('\r') ?? "";
    }
}

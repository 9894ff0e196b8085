using System.CommandLine;
using VpnGateway.Hosting;

namespace VpnGateway.Commands;

/// <summary><c>vpngateway keygen</c>: create a tunnel key in a keystore file and print its public key.</summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Keystore file to create (never overwritten)", Required = true };
        var passwordFile = new Option<string?>("--password-file") { Description = "File whose first line is the password (else ORACLE_KEYSTORE_PASSWORD)" };
        var light = new Option<bool>("--light") { Description = "Cheap scrypt parameters, for throwaway test keys only" };
        var show = new Option<bool>("--show") { Description = "Do not create: print the public key of an existing keystore" };
        var command = new Command("keygen", "Create an X25519 tunnel key (keystore file) and print its public key") { output, passwordFile, light, show };
        command.SetAction(result =>
        {
            var path = result.GetValue(output)!;
            using var key = result.GetValue(show)
                ? TunnelKeyFile.Load(path, result.GetValue(passwordFile))
                : TunnelKeyFile.Create(path, result.GetValue(passwordFile), result.GetValue(light));
            Console.WriteLine(Convert.ToBase64String(key.PublicKey));
            Console.WriteLine("0x" + Convert.ToHexStringLower(key.PublicKey));
            return 0;
        });
        return command;
    }
}

using System.Globalization;
using System.Text.Json;
using VpnGateway.Crypto;

namespace Oracle.ScaleBench;

/// <summary>
/// Makes N client tunnel keys (<c>keys.txt</c>: session id and private key per line, for the swarm) and the provider's
/// pinned sessions for them (<c>sessions.json</c>: a JSON array for Directory:Sessions, each with its tunnel key); with
/// <c>--keystores K</c> the first K keys also as keystore files (<c>client-ID.key</c>) for real <c>vpngateway connect</c> clients.
/// </summary>
internal static class SessionsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var count = (int)args.Long("count", 1000);
        var first = (ulong)args.Long("first", 1);
        var policy = args.String("policy");
        var client = args.String("client", "");
        var folder = args.String("out");
        var keystores = args.Long("keystores", 0); // the first K keys also as keystore files (light scrypt) for real clients
        Directory.CreateDirectory(folder);
        var keys = new List<string>(count);
        var sessions = new List<object>(count);
        for (var i = 0; i < count; i++)
        {
            using var key = TunnelKeyPair.Generate();
            var id = first + (ulong)i;
            keys.Add(string.Create(CultureInfo.InvariantCulture, $"{id} {Convert.ToBase64String(key.ExportPrivateKey())}"));
            if (i < keystores)
            {
                // The password comes from ORACLE_KEYSTORE_PASSWORD, as for `vpngateway keygen`.
                VpnGateway.Hosting.TunnelKeyFile.Save(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"client-{id}.key")), null, light: true, TunnelKeyPair.FromPrivateKey(key.ExportPrivateKey())).Dispose();
            }

            sessions.Add(client.Length > 0
                ? new { Id = id, TunnelKey = Convert.ToBase64String(key.PublicKey), Client = client, Policy = policy }
                : (object)new { Id = id, TunnelKey = Convert.ToBase64String(key.PublicKey), Policy = policy });
        }

        await File.WriteAllLinesAsync(Path.Combine(folder, "keys.txt"), keys);
        await File.WriteAllTextAsync(Path.Combine(folder, "sessions.json"), JsonSerializer.Serialize(sessions));
        Console.WriteLine(JsonSerializer.Serialize(new { sessions = count, first }));
        return 0;
    }
}

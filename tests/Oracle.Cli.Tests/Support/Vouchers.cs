using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Signer;
using Oracle.Actions.Sessions;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;

namespace Oracle.Cli.Tests.Support;

/// <summary>Vouchers as a client's gateway signs them (docs/protocol.md §2), written as the voucher files providers redeem.</summary>
public static class Vouchers
{
    /// <summary>Signs a voucher of <paramref name="amount"/> base units for <paramref name="sessionId"/> with <paramref name="signer"/> and writes it to a file.</summary>
    public static async Task<string> WriteAsync(CliHarness cli, EthECKey signer, ulong sessionId, BigInteger amount, ulong bytes = 1 << 20, ulong? forSession = null)
    {
        var manifest = DeploymentManifest.Load(cli.Manifest);
        var voucher = new Voucher
        {
            SessionId = forSession ?? sessionId,
            CumulativeAmount = amount,
            CumulativeBytes = bytes,
            LogSize = 3,
            LogRoot = RandomNumberGenerator.GetBytes(32),
        };
        var signature = TypedDataSigner.Sign(voucher, TypedDataDomain.SessionManager(manifest.ChainId, manifest.AddressOf(ContractNames.SessionManager)), signer);
        var document = new VoucherDocument(voucher.SessionId, amount, bytes, 3, voucher.LogRoot, Convert.FromHexString(signature[2..]));
        var path = Path.Combine(cli.Folder, $"voucher-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, document.ToJson());
        return path;
    }
}

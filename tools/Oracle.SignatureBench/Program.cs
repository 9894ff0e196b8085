// Signature recovery speed on one core, measured in one run (docs/performance.md): the baseline is Nethereum's managed
// recovery (BouncyCastle) and its generic EIP-712 encoder, which Oracle.Core used before; then Oracle.Core's
// TypedDataSigner.RecoverDigest (native libsecp256k1) and a whole voucher check (direct EIP-712 encoding and recovery:
// TypedDataSigner.Verify), and Verify against its former path through a checksummed address. Last line: JSON.
// Usage: dotnet Oracle.SignatureBench.dll [seconds per measurement, default 3]
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Nethereum.Signer;
using Oracle.Core.Eip712;

var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var key = new EthECKey(System.Security.Cryptography.SHA256.HashData("oracle signature bench"u8), true);
var domain = TypedDataDomain.SessionManager(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
var voucher = new Voucher { SessionId = 7, CumulativeAmount = BigInteger.Parse("1500000000000000000", CultureInfo.InvariantCulture), CumulativeBytes = 123_456_789, LogSize = 42, LogRoot = new byte[32] };
var signature = TypedDataSigner.Sign(voucher, domain, key);
var digest = TypedDataSigner.Hash(voucher, domain);
var raw = Convert.FromHexString(signature[2..]);
var signer = key.GetPublicAddress();
var messageSigner = new MessageSigner();

var nethereum = Measure("nethereum EcRecover", () => messageSigner.EcRecover(digest, signature) is not null);
var nethereumVerify = Measure("nethereum voucher check: generic EIP-712 encoder + EcRecover (Oracle.Core before)", () =>
    messageSigner.EcRecover(Nethereum.ABI.EIP712.Eip712TypedDataEncoder.Current.EncodeAndHashTypedData(voucher, TypedDataSigner.TypedData<Voucher>(domain)), signature) is not null);
var native = Measure("Oracle.Core RecoverDigest (libsecp256k1)", () => TypedDataSigner.RecoverDigest(digest, raw) is not null);
// Verify before it compared bytes: the signer recovered to a checksummed address, then Nethereum's address comparison.
// Measured twice, alternating with Verify, so a change of the machine's load between them shows.
var viaChecksum = 0.0;
var verify = 0.0;
for (var round = 0; round < 2; round++)
{
    viaChecksum += Measure("voucher check through a checksummed address (Verify before)", () =>
        TypedDataSigner.Recover(voucher, domain, signature) is { } recovered && Nethereum.Util.AddressUtil.Current.AreAddressesTheSame(recovered, signer)) / 2;
    verify += Measure("Oracle.Core Verify(voucher): EIP-712 hash + recovery, bytes compared", () => TypedDataSigner.Verify(voucher, domain, signature, signer)) / 2;
}

Console.WriteLine(FormattableString.Invariant(
    $$"""{"nethereum_recover_per_s": {{nethereum:F0}}, "native_recover_per_s": {{native:F0}}, "nethereum_voucher_verify_per_s": {{nethereumVerify:F0}}, "voucher_verify_per_s": {{verify:F0}}, "voucher_verify_via_checksum_per_s": {{viaChecksum:F0}}, "recover_speedup": {{native / nethereum:F1}}, "verify_speedup": {{verify / nethereumVerify:F1}}, "verify_vs_via_checksum": {{verify / viaChecksum:F2}}}"""));

double Measure(string name, Func<bool> operation)
{
    for (var i = 0; i < 50; i++)
    {
        if (!operation())
        {
            throw new InvalidOperationException($"{name} failed");
        }
    }

    var watch = Stopwatch.StartNew();
    long count = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 20; i++)
        {
            operation();
        }

        count += 20;
    }

    var rate = count / watch.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant($"{name}: {rate:F0}/s ({count} in {watch.Elapsed.TotalSeconds:F1} s)"));
    return rate;
}

using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Signer;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;

namespace Oracle.Hosting;

/// <summary>
/// The service's place on the chain, checked at start: the node's chain id, the deployment manifest (same chain, code
/// at every address) and the service's own key from its keystore. Anything wrong stops the service with one clear line.
/// </summary>
public sealed partial class ChainIdentity(IOptions<ChainOptions> options, ILogger<ChainIdentity> logger) : IHostedService
{
    /// <summary>The chain id the node reported.</summary>
    public BigInteger ChainId { get; private set; }

    /// <summary>The deployment, when <c>Chain:Manifest</c> is set.</summary>
    public DeploymentManifest? Manifest { get; private set; }

    /// <summary>The service's key, when <c>Chain:Keystore</c> is set.</summary>
    public EthECKey? Key { get; private set; }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        ChainId = await ChainConnection.GetChainIdAsync(o.RpcUrl!, cancellationToken);
        if (o.Manifest is not null)
        {
            Manifest = DeploymentManifest.Load(o.Manifest);
            var problems = await Manifest.VerifyAsync(ChainConnection.ReadOnly(o.RpcUrl!), cancellationToken);
            if (problems.Count > 0)
            {
                throw new InvalidOperationException($"the deployment manifest {o.Manifest} does not match the chain at {o.RpcUrl}: {string.Join("; ", problems)}");
            }
        }

        if (o.Keystore is not null)
        {
            Key = KeyStoreFile.LoadWithPasswordFile(o.Keystore, o.PasswordFile);
        }

        LogConnected(logger, ChainId, o.RpcUrl!, Manifest?.Contracts.Count ?? 0, Key?.GetPublicAddress() ?? "none");
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "chain {ChainId} at {RpcUrl}: {Contracts} contracts verified, service address {Address}")]
    private static partial void LogConnected(ILogger logger, BigInteger chainId, string rpcUrl, int contracts, string address);
}

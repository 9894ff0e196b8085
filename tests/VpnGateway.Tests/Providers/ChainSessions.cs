using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;
using Oracle.Testing;

namespace VpnGateway.Tests.Providers;

/// <summary>
/// Contracts of our own on the shared local chain (token, ProviderRegistry, SessionManager), a provider registered with
/// its gateway's tunnel key, and clients opening sessions with it, each from a fresh funded account.
/// </summary>
internal sealed class ChainSessions
{
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private ChainSessions(ChainFixture chain, string token, string registry, string sessionManager, IWeb3 deployer)
    {
        Chain = chain;
        TokenAddress = token;
        Registry = registry;
        SessionManager = sessionManager;
        Deployer = deployer;
    }

    public ChainFixture Chain { get; }

    public string TokenAddress { get; }

    public string Registry { get; }

    public string SessionManager { get; }

    public IWeb3 Deployer { get; }

    public static async Task<ChainSessions> DeployAsync(ChainFixture chain, ulong challengeWindow = 3600, ulong maxSessionDuration = 86400)
    {
        var (_, web3) = await chain.NewAccountAsync();
        var token = (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;
        await new VpnTokenService(web3, token).SetMinterAsync(web3.TransactionManager.Account.Address);
        var registry = (await ContractDeployer.DeployAsync(web3, ProviderRegistryService.ContractName,
            new ProviderRegistryDeployment { Token = token, MinBond = Token, UnbondingDelay = 86400 })).Address;
        var sessions = (await ContractDeployer.DeployAsync(web3, SessionManagerService.ContractName,
            new SessionManagerDeployment { Token = token, Providers = registry, ChallengeWindow = challengeWindow, MaxSessionDuration = maxSessionDuration, DisputeWindow = 86400 })).Address;
        return new ChainSessions(chain, token, registry, sessions, web3);
    }

    /// <summary>Registers a new provider (endpoint, tunnel key, price, the default exit policy) with a bond.</summary>
    public async Task<EthECKey> RegisterProviderAsync(byte[] tunnelKey, string endpoint, BigInteger pricePerMiB)
    {
        var (providerKey, providerWeb3) = await Chain.NewAccountAsync();
        await new VpnTokenService(Deployer, TokenAddress).MintAsync(providerKey.GetPublicAddress(), 10 * Token);
        await new VpnTokenService(providerWeb3, TokenAddress).ApproveAsync(Registry, 10 * Token);
        await new ProviderRegistryService(providerWeb3, Registry).RegisterAsync(new ProviderInfo
        {
            Endpoint = endpoint,
            TunnelPublicKey = tunnelKey,
            Region = "DE\0\0\0\0\0\0"u8.ToArray(),
            PricePerMiB = pricePerMiB,
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            PolicyUri = "https://provider.example/policy.json",
        }, Token);
        return providerKey;
    }

    /// <summary>A new client opens a session with <paramref name="provider"/> at <paramref name="pricePerMiB"/>.</summary>
    public async Task<(EthECKey Client, ulong SessionId)> OpenSessionAsync(string provider, BigInteger pricePerMiB)
    {
        var (clientKey, clientWeb3) = await Chain.NewAccountAsync();
        await new VpnTokenService(Deployer, TokenAddress).MintAsync(clientKey.GetPublicAddress(), 10 * Token);
        await new VpnTokenService(clientWeb3, TokenAddress).ApproveAsync(SessionManager, 5 * Token);
        var sessions = new SessionManagerService(clientWeb3, SessionManager);
        await sessions.OpenSessionAsync(new OpenParams
        {
            Provider = provider,
            Deposit = 5 * Token,
            PricePerMiB = pricePerMiB,
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            Penalty = 0,
            CommitteeSize = 3,
        });
        return (clientKey, await sessions.NextSessionIdQueryAsync() - 1);
    }
}

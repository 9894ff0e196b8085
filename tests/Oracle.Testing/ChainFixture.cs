using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Keys;

namespace Oracle.Testing;

/// <summary>
/// The local chain for a test collection: signing connections, fresh funded accounts, and Hardhat's time travel and
/// snapshots. Tests that share a chain with other test processes should use <see cref="NewAccountAsync"/> (random key,
/// balance set directly) rather than development keys, so no two processes ever race on one account's nonce.
/// </summary>
public sealed class ChainFixture : IAsyncLifetime
{
    private IWeb3? _readOnly;

    /// <summary>The chain's JSON-RPC URL.</summary>
    public string RpcUrl { get; private set; } = "";

    /// <summary>The chain id (31337 on the shared chain).</summary>
    public BigInteger ChainId { get; private set; }

    /// <summary>A connection without an account, for queries and RPC calls.</summary>
    public IWeb3 ReadOnly => _readOnly ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <inheritdoc />
    public async Task InitializeAsync() => await AttachAsync(await LocalServices.RpcUrlAsync());

    /// <summary>A fixture on another chain than the shared one (a private node, a chain with another id).</summary>
    public static async Task<ChainFixture> ForAsync(string rpcUrl)
    {
        var fixture = new ChainFixture();
        await fixture.AttachAsync(rpcUrl);
        return fixture;
    }

    private async Task AttachAsync(string rpcUrl)
    {
        RpcUrl = rpcUrl;
        _readOnly = ChainConnection.ReadOnly(RpcUrl);
        ChainId = await ChainConnection.GetChainIdAsync(RpcUrl);
    }

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A signing connection for development key <paramref name="devKeyIndex"/> (0..63).</summary>
    public Task<IWeb3> ConnectAsync(int devKeyIndex) => ChainConnection.ConnectAsync(RpcUrl, DevelopmentKeys.Key(devKeyIndex));

    /// <summary>A signing connection for <paramref name="key"/>.</summary>
    public Task<IWeb3> ConnectAsync(EthECKey key) => ChainConnection.ConnectAsync(RpcUrl, key);

    /// <summary>A new random account holding <paramref name="ether"/> ETH (set directly, no transaction), and its connection.</summary>
    public async Task<(EthECKey Key, IWeb3 Web3)> NewAccountAsync(decimal ether = 1000)
    {
        var key = new EthECKey(RandomNumberGenerator.GetBytes(32), isPrivate: true);
        await SetBalanceAsync(key.GetPublicAddress(), Nethereum.Web3.Web3.Convert.ToWei(ether));
        return (key, await ConnectAsync(key));
    }

    /// <summary>Sets an account's ETH balance (hardhat_setBalance).</summary>
    public Task SetBalanceAsync(string address, BigInteger wei)
        => RpcAsync<bool>("hardhat_setBalance", address, new HexBigInteger(wei).HexValue);

    /// <summary>Moves the chain's clock forward and mines a block with the new time.</summary>
    public async Task IncreaseTimeAsync(TimeSpan by)
    {
        await RpcAsync<object>("evm_increaseTime", (long)by.TotalSeconds);
        await MineAsync();
    }

    /// <summary>Mines <paramref name="blocks"/> blocks (with whatever the node has pending).</summary>
    public async Task MineAsync(int blocks = 1)
    {
        for (var i = 0; i < blocks; i++)
        {
            await RpcAsync<object>("evm_mine");
        }
    }

    /// <summary>Mines <paramref name="blocks"/> blocks in one request (hardhat_mine), fast even for millions.</summary>
    public Task MineManyAsync(ulong blocks) => RpcAsync<object>("hardhat_mine", new HexBigInteger(blocks).HexValue);

    /// <summary>The latest block number.</summary>
    public async Task<ulong> BlockNumberAsync() => (ulong)(await ReadOnly.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;

    /// <summary>
    /// Turns mining of each transaction as it arrives on or off (evm_setAutomine); off, transactions wait in the pool
    /// until <see cref="MineAsync"/>. Only on a private chain (<see cref="PrivateChainFixture"/>): other tests share the devnet's.
    /// </summary>
    public Task SetAutomineAsync(bool on) => RpcAsync<object>("evm_setAutomine", on);

    /// <summary>The timestamp of the latest block.</summary>
    public async Task<ulong> LatestTimestampAsync()
    {
        var block = await ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest());
        return (ulong)block.Timestamp.Value;
    }

    /// <summary>Takes a snapshot of the chain's state (evm_snapshot).</summary>
    public Task<string> SnapshotAsync() => RpcAsync<string>("evm_snapshot");

    /// <summary>Returns the chain to a snapshot (evm_revert); the snapshot is used up.</summary>
    public async Task RevertAsync(string snapshotId)
    {
        if (!await RpcAsync<bool>("evm_revert", snapshotId))
        {
            throw new InvalidOperationException($"snapshot {snapshotId} is unknown or used up");
        }
    }

    /// <summary>Sends a raw JSON-RPC request.</summary>
    public Task<T> RpcAsync<T>(string method, params object[] parameters)
        => ReadOnly.Client.SendRequestAsync<T>(new RpcRequest(Guid.NewGuid().ToString("N"), method, parameters));
}

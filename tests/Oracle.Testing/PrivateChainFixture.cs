using Oracle.Devnet.Runtime;

namespace Oracle.Testing;

/// <summary>
/// A Hardhat node of the test class's own (the version pinned in contracts/, chain id 31337), for tests that change how
/// the chain behaves for everyone on it: automine off, snapshots reverted under other tests' feet, base fee spikes,
/// dropped transactions. Started for the class (<c>IClassFixture&lt;PrivateChainFixture&gt;</c>), stopped and removed
/// after; a later run cleans up after a killed one, as for <see cref="LocalServices"/>.
/// </summary>
public sealed class PrivateChainFixture : IAsyncLifetime
{
    private HardhatNode? _node;
    private string? _folder;

    private ChainFixture? _chain;

    /// <summary>The chain, with the helpers of <see cref="ChainFixture"/>.</summary>
    public ChainFixture Chain => _chain ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>The node, to stop or kill in a test.</summary>
    public HardhatNode Node => _node ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        StaleTestFolders.CleanUp();
        _folder = Path.Combine(Path.GetTempPath(), $"oracle-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
        Directory.CreateDirectory(_folder);
        StaleTestFolders.MarkOwned(_folder);
        _node = new HardhatNode(Path.Combine(_folder, "hardhat"), RepositoryLayout.Find().ContractsDirectory);
        List<LocalService> started = [_node];
        await _node.StartAsync();
        StaleTestFolders.Record(_folder, started);
        _chain = await ChainFixture.ForAsync(_node.RpcUrl);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

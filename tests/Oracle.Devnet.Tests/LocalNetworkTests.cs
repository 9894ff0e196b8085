using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Oracle.Chain.Deployment;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Tests;

public sealed class LocalNetworkTests
{
    private static LocalNetworkOptions Options(string dataDirectory) => new()
    {
        DataDirectory = dataDirectory,
        Repository = RepositoryLayout.Find(),
        StartServices = false,
    };

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), $"devnet-test-{Guid.NewGuid():N}");

    [Fact]
    public async Task UpAsync_ThenDispose_StartsEverythingAndLeavesNoProcessOrFolder()
    {
        var dir = NewDataDirectory();
        var network = await LocalNetwork.UpAsync(Options(dir));
        var processes = network.State.Processes;
        try
        {
            await AssertUpAsync(network, processes);
        }
        catch
        {
            // A failed check must not leave the network running (its processes outlive the test host).
            await network.DisposeAsync();
            throw;
        }

        await network.DisposeAsync();

        Assert.All(processes, p => Assert.False(p.Process.IsAlive()));
        Assert.False(Directory.Exists(dir));
    }

    private static async Task AssertUpAsync(LocalNetwork network, IReadOnlyList<StartedProcess> processes)
    {
        Assert.Equal(["hardhat", "postgres", "epmd", "rabbitmq"], processes.Select(p => p.Process.Name));
        Assert.All(processes, p => Assert.True(p.Process.IsAlive()));
        Assert.True(await network.Chain.IsHealthyAsync());
        Assert.True(await network.Postgres.IsHealthyAsync());
        Assert.True(await network.Bus.IsHealthyAsync());
        Assert.Empty(await DeploymentManifest.Load(network.ManifestPath).VerifyAsync(Oracle.Chain.ChainConnection.ReadOnly(network.Chain.RpcUrl)));
        Assert.Equal(11, network.State.Keystores.Count);
        // The run's own VRF key: its keystore (for the oracle node's randomness duty) opens the deployed coordinator's key.
        var vrf = Oracle.Chain.Keys.KeyStoreFile.LoadVrfKeyWithPasswordFile(network.State.Keystores[LocalNetwork.VrfRole], network.State.PasswordFile);
        var coordinator = new Oracle.Chain.Contracts.LocalVrfCoordinator.LocalVrfCoordinatorService(Oracle.Chain.ChainConnection.ReadOnly(network.Chain.RpcUrl), DeploymentManifest.Load(network.ManifestPath).AddressOf(ContractNames.VrfCoordinator));
        Assert.Equal(vrf.PublicKey.ToEip197(), await coordinator.PublicKeyQueryAsync());
        Assert.NotEqual(Oracle.Chain.Keys.DevelopmentKeys.Vrf().PublicKey, vrf.PublicKey);
    }

    [Fact]
    public async Task UpAsync_DevnetRecordedAndStillRunning_IsRefusedAndDownStopsItByPid()
    {
        var dir = NewDataDirectory();
        var first = await LocalNetwork.UpAsync(Options(dir) with { DeployContracts = false });
        var processes = first.State.Processes;

        // A second `up` on the same folder must not start a second network over the first.
        await Assert.ThrowsAsync<DevnetAlreadyRunningException>(() => LocalNetwork.UpAsync(Options(dir)));

        // `down` from another invocation knows the network only from state.json.
        Assert.True(await LocalNetwork.DownAsync(dir));
        Assert.All(processes, p => Assert.False(p.Process.IsAlive()));
        Assert.False(Directory.Exists(dir));
        Assert.False(await LocalNetwork.DownAsync(dir));
    }

    [Fact]
    public async Task UpAsync_StaleFolderOfACrashedRun_IsCleanedUpAndReplaced()
    {
        var dir = NewDataDirectory();
        var crashed = await LocalNetwork.UpAsync(Options(dir) with { DeployContracts = false });
        var old = crashed.State.Processes;
        // The crash: every process dies at once, and nobody runs down.
        foreach (var p in old.Reverse())
        {
            ManagedProcess.Attach(p.Process, p.Log).Kill();
        }

        var lines = new List<string>();
        var network = await LocalNetwork.UpAsync(Options(dir) with { DeployContracts = false }, new SyncProgress(lines.Add));
        try
        {
            Assert.Contains(lines, l => l.Contains("stale data folder", StringComparison.Ordinal));
            Assert.True(await network.Postgres.IsHealthyAsync());
            Assert.DoesNotContain(network.State.Processes, p => old.Any(o => o.Process.Pid == p.Process.Pid));
        }
        finally
        {
            await network.DisposeAsync();
        }
    }

    [Fact]
    public async Task UpAsync_FolderThatIsNotADevnet_IsLeftAlone()
    {
        var dir = NewDataDirectory();
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "precious.txt"), "user data");
        try
        {
            var e = await Assert.ThrowsAsync<LocalServiceException>(() => LocalNetwork.UpAsync(Options(dir)));
            Assert.Contains("not a devnet folder", e.Message);
            Assert.True(File.Exists(Path.Combine(dir, "precious.txt")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PortAllocator_PreferredPortInUse_PicksAnother()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var taken = ((IPEndPoint)busy.LocalEndpoint).Port;

        var port = PortAllocator.Allocate(taken);

        Assert.NotEqual(taken, port);
        Assert.True(PortAllocator.IsFree(port));
    }

    [Fact]
    public void PortAllocator_PortClaimedByAnotherLiveProcess_IsNotHandedOut()
    {
        // A port another devnet's process has just picked but its server has not bound yet.
        using var sleeper = Process.Start("sleep", "30");
        try
        {
            var port = FreeUnclaimedPort();
            File.WriteAllText(Path.Combine(PortAllocator.ClaimFolder, $"tcp-{port}"), sleeper.Id.ToString(CultureInfo.InvariantCulture));

            Assert.False(PortAllocator.TryClaim(port));
            Assert.NotEqual(port, PortAllocator.Allocate(port));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void PortAllocator_ClaimOfAnExitedProcess_IsTakenOver()
    {
        using var exited = Process.Start("sleep", "0");
        exited.WaitForExit();
        var port = FreeUnclaimedPort();
        File.WriteAllText(Path.Combine(PortAllocator.ClaimFolder, $"tcp-{port}"), exited.Id.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(port, PortAllocator.Allocate(port));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(PortAllocator.ClaimFolder, $"tcp-{port}")));
    }

    private static int FreeUnclaimedPort()
    {
        Directory.CreateDirectory(PortAllocator.ClaimFolder);
        while (true)
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            if (!File.Exists(Path.Combine(PortAllocator.ClaimFolder, $"tcp-{port}")))
            {
                return port;
            }
        }
    }

    [Fact]
    public async Task ManagedProcess_PidReusedByAnotherProcess_IsNeverSignalled()
    {
        using var bystander = Process.Start("sleep", "30");
        var identity = ProcessIdentity.Of(bystander.Id, "bystander")!;
        var impostor = identity with { StartTicks = identity.StartTicks + 1 };

        Assert.False(impostor.IsAlive());
        Assert.False(await ManagedProcess.Attach(impostor, "/dev/null").StopAsync(Native.SigKill, TimeSpan.FromSeconds(1)));
        Assert.True(identity.IsAlive());
        bystander.Kill();
    }

    [Fact]
    public void Prerequisites_CheckoutWithoutNodePackages_SaysWhatToRun()
    {
        var empty = Directory.CreateTempSubdirectory("checkout-");
        try
        {
            var missing = Prerequisites.Missing(new RepositoryLayout(empty.FullName));
            Assert.Contains(missing, m => m.Contains("npm ci", StringComparison.Ordinal));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}

namespace Oracle.Devnet.Runtime;

/// <summary>Checks that the programs the devnet runs are installed, and says in one line what to install if not.</summary>
public static class Prerequisites
{
    /// <summary>The missing prerequisites, each as one line naming what to install; empty when all are there.</summary>
    public static IReadOnlyList<string> Missing(RepositoryLayout repository)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var missing = new List<string>();
        if (!OnPath("node"))
        {
            missing.Add("Node.js 20 or later is missing: install it (Debian: apt-get install nodejs npm)");
        }
        else if (!File.Exists(Path.Combine(repository.ContractsDirectory, "node_modules", "hardhat", "package.json")))
        {
            missing.Add("the contracts' Node packages are missing: run `npm ci` in contracts/ (or `dotnet build`, which does)");
        }

        try
        {
            _ = PostgresCluster.BinDirectory;
        }
        catch (LocalServiceException e)
        {
            missing.Add(e.Message);
        }

        if (!File.Exists("/usr/lib/rabbitmq/bin/rabbitmq-server") || !OnPath("epmd"))
        {
            missing.Add("RabbitMQ is missing: install it (Debian: apt-get install rabbitmq-server)");
        }

        foreach (var tool in new[] { "setsid", "setpriv" })
        {
            if (!OnPath(tool))
            {
                missing.Add($"{tool} is missing: install util-linux");
            }
        }

        return missing;
    }

    /// <summary>
    /// What the main job needs besides the devnet, each as one line naming what installs it: root (namespaces, TUN
    /// devices), iproute2, nftables, iperf3, curl and bash.
    /// </summary>
    public static IReadOnlyList<string> MissingForMainJob()
    {
        var missing = new List<string>();
        if (Native.GetEffectiveUserId() != 0)
        {
            missing.Add("the main job runs VPN gateways in network namespaces and needs root: run it as root (./oracle up --bare starts the network alone)");
        }

        foreach (var (program, package) in new[] { ("ip", "iproute2"), ("nft", "nftables"), ("iperf3", "iperf3"), ("curl", "curl"), ("bash", "bash") })
        {
            if (!OnPath(program))
            {
                missing.Add($"{program} is missing: install it (Debian: apt-get install {package})");
            }
        }

        if (!File.Exists("/dev/net/tun"))
        {
            missing.Add("/dev/net/tun is missing: load the tun module (modprobe tun)");
        }

        return missing;
    }

    private static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}

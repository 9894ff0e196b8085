namespace Oracle.Devnet.Runtime;

/// <summary>Where things are in a checkout of the repository.</summary>
/// <param name="Root">The folder holding Oracle.sln.</param>
public sealed record RepositoryLayout(string Root)
{
    /// <summary>contracts/.</summary>
    public string ContractsDirectory => Path.Combine(Root, "contracts");

    /// <summary>deployments/.</summary>
    public string DeploymentsDirectory => Path.Combine(Root, "deployments");

    /// <summary>Finds the repository from <paramref name="start"/> (default: this program's folder) upwards.</summary>
    /// <exception cref="InvalidOperationException">No Oracle.sln above <paramref name="start"/>.</exception>
    public static RepositoryLayout Find(string? start = null)
    {
        var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Oracle.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new InvalidOperationException($"cannot find the repository (Oracle.sln) above {start ?? AppContext.BaseDirectory}")
            : new RepositoryLayout(dir.FullName);
    }

    /// <summary>
    /// The built entry assembly of service <paramref name="project"/> (src/&lt;project&gt;), in the same build
    /// configuration as this program when both exist.
    /// </summary>
    /// <returns>The path, or null when the service has not been built.</returns>
    public string? ServiceAssembly(string project, string assemblyName)
    {
        var ours = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        foreach (var configuration in new[] { ours, ours == "Release" ? "Debug" : "Release" })
        {
            var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}

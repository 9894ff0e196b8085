namespace Oracle.Devnet.Runtime;

/// <summary>The devnet's network namespaces as the host holds them (<c>ip netns</c>).</summary>
internal static class NetworkNamespaces
{
    /// <summary>Deletes the namespaces (with their veths) that exist; missing ones are ignored.</summary>
    public static async Task DeleteExistingAsync(IEnumerable<string> namespaces, CancellationToken cancellationToken)
    {
        var existing = (await ProcessRunner.RunAsync("ip", ["netns", "list"], cancellationToken))
            .Split('\n').Select(line => line.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var name in namespaces.Where(existing.Contains))
        {
            await ProcessRunner.RunAsync("ip", ["netns", "delete", name], cancellationToken);
        }
    }
}

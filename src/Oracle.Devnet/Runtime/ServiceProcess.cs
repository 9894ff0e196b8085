using System.Globalization;

namespace Oracle.Devnet.Runtime;

/// <summary>One of the Oracle services (a built .NET host) run by the devnet against its chain, database and bus.</summary>
public sealed class ServiceProcess : LocalService
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly string _assembly;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string? _networkNamespace;
    private readonly string _host;

    /// <summary>Describes the service; <see cref="LocalService.StartAsync"/> starts it.</summary>
    /// <param name="name">Its name (the project's).</param>
    /// <param name="assembly">The built entry assembly.</param>
    /// <param name="dataDirectory">Its folder (log).</param>
    /// <param name="environment">Its configuration, as environment variables (<c>Chain__RpcUrl</c>...).</param>
    /// <param name="arguments">Command-line arguments after the assembly.</param>
    /// <param name="port">The HTTP port it serves /healthz on; 0 picks one and passes it as ASPNETCORE_URLS.</param>
    /// <param name="networkNamespace">A network namespace to run it in (<c>ip netns exec</c>), or null for the host's.</param>
    /// <param name="host">The address its HTTP port listens on (reachable from the host's namespace).</param>
    public ServiceProcess(string name, string assembly, string dataDirectory, IReadOnlyDictionary<string, string> environment,
        IReadOnlyList<string>? arguments = null, int port = 0, string? networkNamespace = null, string host = "127.0.0.1")
        : base(name, dataDirectory)
    {
        _assembly = assembly;
        _arguments = arguments ?? [];
        _networkNamespace = networkNamespace;
        _host = host;
        Port = port == 0 ? PortAllocator.Allocate() : port;
        var env = new Dictionary<string, string>(environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        if (port == 0)
        {
            env["ASPNETCORE_URLS"] = Url;
        }

        _environment = env;
    }

    /// <summary>The HTTP port (health, metrics, and the service's own API).</summary>
    public int Port { get; }

    /// <summary>The service's base URL.</summary>
    public string Url => $"http://{_host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        using var response = await Http.GetAsync(Url + "/healthz", cancellationToken);
        return response.IsSuccessStatusCode;
    }

    /// <inheritdoc />
    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        // `ip netns exec` execs the command, so the PID recorded is the service's own.
        string[] command = _networkNamespace is null ? ["dotnet", _assembly, .. _arguments] : ["ip", "netns", "exec", _networkNamespace, "dotnet", _assembly, .. _arguments];
        Launch(Name, command[0], command[1..], workingDirectory: Path.GetDirectoryName(_assembly), environment: _environment);
        return Task.CompletedTask;
    }
}

using System.Diagnostics;
using System.Net;
using Npgsql;
using Oracle.Devnet.Runtime;

namespace Oracle.Testing;

/// <summary>
/// What every service host must do, tested once and inherited by each service's test project: start on the real chain,
/// database and bus with its schema migrated and answer <c>/healthz</c> and <c>/metrics</c>; and refuse to start — one
/// line on standard error, exit code 2, no stack trace — when a setting it needs is missing or wrong.
/// </summary>
/// <typeparam name="TProgram">The service's entry point.</typeparam>
public abstract class ServiceHostTests<TProgram>
    where TProgram : class
{
    /// <summary>The service's folder under src/ (and its assembly's name).</summary>
    protected abstract string Project { get; }

    /// <summary>The service's assembly name (the dll under src/&lt;Project&gt;/bin).</summary>
    protected virtual string AssemblyName => Project;

    /// <summary>The PostgreSQL schema the service owns.</summary>
    protected abstract string Schema { get; }

    /// <summary>Whether the service uses the bus (it is then given <c>Bus:Url</c>; a service refuses settings it does not read).</summary>
    protected virtual bool UsesBus => true;

    [Fact]
    public async Task Start_EverythingConfigured_HealthyWithItsSchemaMigrated()
    {
        await using var service = await OracleServiceHost<TProgram>.StartAsync(bus: UsesBus);
        using var client = service.Factory.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.True(health.StatusCode == HttpStatusCode.OK, await health.Content.ReadAsStringAsync());
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(service.Settings["Database:ConnectionString"]);
        await connection.OpenAsync();
        // The shared tables (the chain watchers' cursors) are in the service's own schema, migrated before it ran.
        await using var cursors = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'chain_cursors'", connection);
        cursors.Parameters.AddWithValue(Schema);
        Assert.Equal(1L, await cursors.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Start_NothingConfigured_ExitsWithOneLineNamingTheChainSettings()
    {
        var (exitCode, stderr) = await RunAsync(new Dictionary<string, string?>());

        Assert.Equal(2, exitCode);
        Assert.Contains("Chain:RpcUrl", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Start_WrongKeystorePassword_ExitsWithOneLineNamingTheKeystore()
    {
        var settings = await OracleServiceHost<TProgram>.DefaultSettingsAsync(UsesBus);
        await File.WriteAllTextAsync(settings["Chain:PasswordFile"]!, "not the password\n");

        var (exitCode, stderr) = await RunAsync(settings);

        Assert.Equal(2, exitCode);
        Assert.Contains(settings["Chain:Keystore"]!, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Start_DatabaseUnreachable_ExitsWithOneLine()
    {
        var settings = await OracleServiceHost<TProgram>.DefaultSettingsAsync(UsesBus);
        // Nothing listens on port 9 of loopback.
        settings["Database:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=2";

        var (exitCode, stderr) = await RunAsync(settings);

        Assert.Equal(2, exitCode);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Start_MisspeltSettingArgument_ExitsWithOneLineNamingTheNearestKey()
    {
        var settings = await OracleServiceHost<TProgram>.DefaultSettingsAsync(UsesBus);

        var arguments = new List<string>();

        // A typo the configuration binder would silently ignore (the service would run on its default).
        WriteOperatorSetting(settings, arguments, "Chain:Confirmation", "3");
        var (exitCode, stderr) = await RunAsync(settings, [.. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Contains("Chain:Confirmation", stderr, StringComparison.Ordinal);
        Assert.Contains("Chain:Confirmations", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Start_ChainWatcherSettingOutOfRange_ExitsWithOneLineNamingTheSetting()
    {
        var settings = await OracleServiceHost<TProgram>.DefaultSettingsAsync(UsesBus);
        var arguments = new List<string>();

        // Bound and in the schema, but invalid: the options' own validation names it.
        WriteOperatorSetting(settings, arguments, "Chain:Watcher:PollInterval", "00:00:00");
        var (exitCode, stderr) = await RunAsync(settings, [.. arguments]);

        Assert.Equal(2, exitCode);
        Assert.Contains("PollInterval", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    /// <summary>
    /// Writes one setting where an operator of this service writes it and the service checks it against what it reads:
    /// by default a <c>--Section:Key=value</c> argument.
    /// </summary>
    protected virtual void WriteOperatorSetting(Dictionary<string, string?> environment, List<string> arguments, string key, string value)
        => arguments.Add($"--{key}={value}");

    /// <summary>
    /// Runs the built service as a process (as an operator would) with <paramref name="settings"/> as environment
    /// variables and <paramref name="arguments"/> on its command line.
    /// </summary>
    protected async Task<(int ExitCode, string StandardError)> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] arguments)
    {
        var dll = RepositoryLayout.Find().ServiceAssembly(Project, AssemblyName) ?? throw new InvalidOperationException($"src/{Project} is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (name, value) in settings)
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Project} did not exit within 60 s: {await stdout}");
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }
}

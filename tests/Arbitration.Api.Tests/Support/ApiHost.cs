using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Support;

/// <summary>
/// The Arbitration API running in the test process on Kestrel at 127.0.0.1 (a random port: real HTTP, as clients use
/// it), on the test chain, with the database and keys of an <see cref="ApiEnvironment"/>. Stopping it keeps the
/// environment, so a test can start the same service again (a restart).
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private ApiHost(WebApplicationFactory<Program> factory, ApiEnvironment environment, Uri baseAddress)
    {
        _factory = factory;
        Environment = environment;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public ApiEnvironment Environment { get; }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client of the API over real HTTP.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<ApiHost> StartAsync(ApiEnvironment environment)
    {
        var logs = System.IO.Path.Combine(AppContext.BaseDirectory, "TestResults", "api-logs");
        Directory.CreateDirectory(logs);
        var log = System.IO.Path.Combine(logs, new NpgsqlConnectionStringBuilder(environment.ConnectionString).Database + ".log");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (name, value) in environment.Settings)
            {
                web.UseSetting(name, value);
            }

            web.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(new FileLoggerProvider(log))));
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }

        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var host = new ApiHost(factory, environment, new Uri(address.TrimEnd('/') + "/"));
        await Task.CompletedTask;
        return host;
    }

    public T Get<T>()
        where T : notnull
        => Services.GetRequiredService<T>();

    /// <summary>GET a JSON object (asserting 200).</summary>
    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }
}

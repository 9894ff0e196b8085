using System.Net;

namespace Oracle.Testing;

/// <summary><see cref="ServiceHostTests{TProgram}"/> for a service that uses PostgreSQL: its health reports the database.</summary>
/// <typeparam name="TProgram">The service's entry point.</typeparam>
public abstract class DatabaseServiceHostTests<TProgram> : ServiceHostTests<TProgram>
    where TProgram : class
{
    [Fact]
    public async Task Healthz_DatabaseUnreachable_IsUnhealthy()
    {
        await using var factory = Factory(new Dictionary<string, string?>
        {
            // Nothing listens on port 9 of loopback.
            ["Database:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=2",
        });
        using var client = factory.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }
}

using Npgsql;
using RabbitMQ.Client;

namespace Oracle.Testing.Tests;

public sealed class LocalServicesTests
{
    [Fact]
    public async Task GetAsync_AllThreeServices_Answer()
    {
        var services = await LocalServices.GetAsync();

        await using (var pg = new NpgsqlConnection(services.PostgresConnectionString))
        {
            await pg.OpenAsync();
            await using var command = new NpgsqlCommand("SHOW server_version", pg);
            Assert.StartsWith("15", (string)(await command.ExecuteScalarAsync())!);
        }

        await using (var amqp = await new ConnectionFactory { Uri = new Uri(services.AmqpUrl) }.CreateConnectionAsync())
        {
            Assert.True(amqp.IsOpen);
        }

        Assert.Equal(31337, await Oracle.Chain.ChainConnection.GetChainIdAsync(services.RpcUrl));
    }
}

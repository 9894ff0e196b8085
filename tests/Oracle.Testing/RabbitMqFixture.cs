namespace Oracle.Testing;

/// <summary>The real RabbitMQ broker; tests isolate themselves by naming their queues and exchanges uniquely.</summary>
public sealed class RabbitMqFixture : IAsyncLifetime
{
    /// <summary>The broker's AMQP URL.</summary>
    public string AmqpUrl { get; private set; } = "";

    /// <summary>A queue or exchange name no other test uses: <paramref name="prefix"/> plus a random suffix.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <inheritdoc />
    public async Task InitializeAsync() => AmqpUrl = await LocalServices.AmqpUrlAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}

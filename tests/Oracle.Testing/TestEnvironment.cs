namespace Oracle.Testing;

/// <summary>
/// Environment variables that point the tests at servers that are already running, instead of starting throwaway
/// ones (as Npgsql's NPGSQL_TEST_DB does). The README's test command sets them to one devnet for the whole run.
/// </summary>
public static class TestEnvironment
{
    /// <summary>JSON-RPC URL of a Hardhat (or compatible) node with the development accounts funded.</summary>
    public const string RpcVariable = "ORACLE_TEST_RPC";

    /// <summary>Npgsql connection string of a role allowed to create databases.</summary>
    public const string PostgresVariable = "ORACLE_TEST_PG";

    /// <summary>AMQP URL of a RabbitMQ broker.</summary>
    public const string AmqpVariable = "ORACLE_TEST_AMQP";

    /// <summary>
    /// Set (to 1) by test projects that move the chain's clock far forward: they then always start a chain of their
    /// own, whatever <see cref="RpcVariable"/> says, so other test processes sharing the devnet never see it jump.
    /// </summary>
    public const string PrivateChainVariable = "ORACLE_TEST_PRIVATE_CHAIN";

    /// <summary>The value of <paramref name="variable"/>, or null when unset or empty.</summary>
    public static string? Get(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;
}

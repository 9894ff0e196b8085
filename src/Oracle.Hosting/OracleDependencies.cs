namespace Oracle.Hosting;

/// <summary>The shared infrastructure a service uses.</summary>
[Flags]
public enum OracleDependencies
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The chain (<c>Chain:*</c>): JSON-RPC endpoint, deployment manifest, the service's keystore.</summary>
    Chain = 1,

    /// <summary>PostgreSQL (<c>Database:ConnectionString</c>).</summary>
    Database = 2,

    /// <summary>RabbitMQ through MassTransit (<c>Bus:Url</c>).</summary>
    Bus = 4,
}

namespace Oracle.Hosting;

/// <summary>The message bus (section <c>Bus</c>).</summary>
public sealed class BusOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Bus";

    /// <summary>RabbitMQ URL, for example <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public string? Url { get; set; }
}

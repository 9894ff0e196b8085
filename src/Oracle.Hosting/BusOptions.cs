namespace Oracle.Hosting;

/// <summary>The message bus (section <c>Bus</c>).</summary>
public sealed class BusOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Bus";

    /// <summary>RabbitMQ URL, for example <c>amqp://guest:guest@127.0.0.1:5672/</c>.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The other nodes of a RabbitMQ cluster, <c>host:port</c> each (the credentials and virtual host are the URL's): the
    /// bus connects to the first that answers, starting with the URL's, and moves to another when its node goes away.
    /// </summary>
    public IList<string> Nodes { get; } = [];
}

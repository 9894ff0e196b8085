using System.Globalization;
using RabbitMQ.Client;

namespace Oracle.Hosting;

/// <summary>The broker nodes a bus may connect to: the URL's, then <see cref="BusOptions.Nodes"/>.</summary>
public static class BusEndpoints
{
    /// <summary>The endpoints of <paramref name="options"/>, the URL's first.</summary>
    /// <exception cref="FormatException">A node is not <c>host:port</c>.</exception>
    public static IList<AmqpTcpEndpoint> Of(BusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = new Uri(options.Url ?? throw new InvalidOperationException("Bus:Url is not set"));
        var endpoints = new List<AmqpTcpEndpoint> { new(url) };
        endpoints.AddRange(options.Nodes.Select(Parse));
        return endpoints;
    }

    /// <summary>Whether <paramref name="node"/> is <c>host:port</c>.</summary>
    public static bool IsNode(string? node)
    {
        try
        {
            _ = Parse(node!);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NullReferenceException)
        {
            return false;
        }
    }

    private static AmqpTcpEndpoint Parse(string node)
    {
        var colon = node.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(node.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"Bus:Nodes entry '{node}' is not host:port");
        }

        return new AmqpTcpEndpoint(node[..colon].Trim('[', ']'), port);
    }
}

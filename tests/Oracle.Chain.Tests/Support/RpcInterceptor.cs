using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Oracle.Chain.Tests.Support;

/// <summary>
/// An HTTP JSON-RPC endpoint on 127.0.0.1 in front of the real node that lets a test answer some requests itself,
/// the way hosted nodes do (refusing wide log queries, answering 503), and forwards the rest unchanged.
/// </summary>
internal sealed class RpcInterceptor : IAsyncDisposable
{
    private static readonly HttpClient Http = new();
    private readonly HttpListener _listener = new();
    private readonly string _target;
    private readonly Func<JsonObject, Reply?> _intercept;
    private readonly Task _serving;

    /// <summary>Starts the endpoint; <paramref name="intercept"/> returns a reply to answer instead of the node, or null to forward.</summary>
    public RpcInterceptor(string targetUrl, Func<JsonObject, Reply?> intercept)
    {
        _target = targetUrl;
        _intercept = intercept;
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _serving = ServeAsync();
    }

    /// <summary>The endpoint's URL.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The requests seen, in order (method and params).</summary>
    public List<JsonObject> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var request = (JsonObject)JsonNode.Parse(body)!;
        Reply? reply;
        lock (Requests)
        {
            Requests.Add(request);
            reply = _intercept(request);
        }

        if (reply is null)
        {
            using var forwarded = await Http.PostAsync(_target, new StringContent(body, Encoding.UTF8, "application/json"));
            reply = new Reply((int)forwarded.StatusCode, await forwarded.Content.ReadAsStringAsync());
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(reply.Body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    /// <summary>A reply: HTTP status and body.</summary>
    public sealed record Reply(int Status, string Body)
    {
        /// <summary>A JSON-RPC error for <paramref name="request"/>.</summary>
        public static Reply Error(JsonObject request, int code, string message)
            => new(200, new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// <c>state.json</c> in the devnet's data folder: the endpoints (for people, scripts and tests) and every process the
/// devnet started (for <c>down</c>, and for cleaning up after a crash). Rewritten after each process starts.
/// </summary>
public sealed record DevnetState
{
    /// <summary>The file's name inside the data folder.</summary>
    public const string FileName = "state.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The data folder.</summary>
    [JsonPropertyName("dataDirectory")] public required string DataDirectory { get; init; }

    /// <summary>When <c>up</c> began.</summary>
    [JsonPropertyName("startedAt")] public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Whether <c>up</c> finished (everything healthy and deployed).</summary>
    [JsonPropertyName("ready")] public bool Ready { get; init; }

    /// <summary>The chain's JSON-RPC endpoint.</summary>
    [JsonPropertyName("rpcUrl")] public string? RpcUrl { get; init; }

    /// <summary>The PostgreSQL superuser connection string.</summary>
    [JsonPropertyName("postgres")] public string? Postgres { get; init; }

    /// <summary>The RabbitMQ AMQP URL.</summary>
    [JsonPropertyName("amqpUrl")] public string? AmqpUrl { get; init; }

    /// <summary>The deployment manifest.</summary>
    [JsonPropertyName("manifest")] public string? Manifest { get; init; }

    /// <summary>A copy of the manifest written into the repository's deployments/ folder, removed by <c>down</c>.</summary>
    [JsonPropertyName("repositoryManifest")] public string? RepositoryManifest { get; init; }

    /// <summary>The keystore file of each role, by role name.</summary>
    [JsonPropertyName("keystores")] public IReadOnlyDictionary<string, string> Keystores { get; init; } = new Dictionary<string, string>();

    /// <summary>The file holding the devnet keystores' password.</summary>
    [JsonPropertyName("passwordFile")] public string? PasswordFile { get; init; }

    /// <summary>The services' base URLs, by service name.</summary>
    [JsonPropertyName("services")] public IReadOnlyDictionary<string, string> Services { get; init; } = new Dictionary<string, string>();

    /// <summary>The network namespaces the devnet made (its provider's and its internet's), deleted by <c>down</c>.</summary>
    [JsonPropertyName("namespaces")] public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Network devices the devnet made in the host's namespace (a bridge of the main job), deleted by <c>down</c>.</summary>
    [JsonPropertyName("links")] public IReadOnlyList<string> Links { get; init; } = [];

    /// <summary>The provider's exit: where a client connects and what it reaches (null without the gateway).</summary>
    [JsonPropertyName("exit")] public ExitDescription? Exit { get; init; }

    /// <summary>Every process started, in start order.</summary>
    [JsonPropertyName("processes")] public IReadOnlyList<StartedProcess> Processes { get; init; } = [];

    /// <summary>Reads the state of the devnet in <paramref name="dataDirectory"/>, or null when there is none.</summary>
    public static DevnetState? Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<DevnetState>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the state atomically.</summary>
    public void Write()
    {
        var path = Path.Combine(DataDirectory, FileName);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, JsonOptions));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>The state as indented JSON (for <c>status --json</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}

/// <summary>A process the devnet started, and how to stop it.</summary>
public sealed record StartedProcess
{
    /// <summary>PID, start time and name.</summary>
    [JsonPropertyName("process")] public required ProcessIdentity Process { get; init; }

    /// <summary>The signal that asks it to stop gracefully.</summary>
    [JsonPropertyName("stopSignal")] public required int StopSignal { get; init; }

    /// <summary>Its log file.</summary>
    [JsonPropertyName("log")] public required string Log { get; init; }
}

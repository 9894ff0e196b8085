using System.Net;
using System.Text.Json;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Evidence;

/// <summary>tests/vectors/flow-records.json, written by an independent implementation of docs/protocol.md §5.1.</summary>
internal static class FlowRecordVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(FindVectors())));

    public static IEnumerable<JsonElement> Valid => Document.Value.RootElement.GetProperty("valid").EnumerateArray();

    public static IEnumerable<JsonElement> Invalid => Document.Value.RootElement.GetProperty("invalid").EnumerateArray();

    public static FlowRecord ToRecord(JsonElement v) => new(
        SessionId: v.GetProperty("sessionId").GetUInt64(),
        Verdict: (FlowVerdict)v.GetProperty("verdict").GetByte(),
        RuleId: v.GetProperty("ruleId").GetUInt32(),
        Direction: (TrafficDirection)v.GetProperty("direction").GetByte(),
        IpVersion: v.GetProperty("ipVersion").GetByte(),
        Protocol: v.GetProperty("protocol").GetByte(),
        TcpFlags: v.GetProperty("tcpFlags").GetByte(),
        EndReason: (FlowEndReason)v.GetProperty("endReason").GetByte(),
        SourceAddress: IpNumber.From(IPAddress.Parse(v.GetProperty("source").GetString()!)),
        DestinationAddress: IpNumber.From(IPAddress.Parse(v.GetProperty("destination").GetString()!)),
        SourcePort: v.GetProperty("sourcePort").GetUInt16(),
        DestinationPort: v.GetProperty("destinationPort").GetUInt16(),
        FirstSeenMs: v.GetProperty("firstSeenMs").GetInt64(),
        LastSeenMs: v.GetProperty("lastSeenMs").GetInt64(),
        Packets: v.GetProperty("packets").GetUInt64(),
        Octets: v.GetProperty("octets").GetUInt64(),
        PayloadOctets: v.GetProperty("payloadOctets").GetUInt64());

    private static string FindVectors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "vectors", "flow-records.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/vectors/flow-records.json not found above " + AppContext.BaseDirectory);
    }
}

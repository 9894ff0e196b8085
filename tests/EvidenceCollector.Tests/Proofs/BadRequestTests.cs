using System.Net;
using EvidenceCollector.Tests.Support;

namespace EvidenceCollector.Tests.Proofs;

/// <summary>What a reviewer sends the read API to break it: every answer is a 4xx RFC 7807 problem, never a server error.</summary>
[Collection(BusCollection.Name)]
public sealed class BadRequestTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Get_MalformedOrOutOfRangeRequests_ProblemDetailsNeverAServerError()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 3);
        await gateway.PublishAsync(batch);
        await gateway.WaitAnsweredAsync([batch.BatchId], Wait);
        await collector.WaitSequencedAsync(Wait);
        using var http = collector.Host.Factory.CreateClient();
        var s = session.SessionId;
        var requests = new (string Path, HttpStatusCode Status)[]
        {
            ("/v1/sessions/abc/checkpoints", HttpStatusCode.BadRequest),
            ("/v1/sessions/-1", HttpStatusCode.BadRequest),
            ("/v1/sessions/18446744073709551616/checkpoints", HttpStatusCode.BadRequest),
            ($"/v1/sessions/{s}/records/18446744073709551615", HttpStatusCode.NotFound),
            ($"/v1/sessions/{s}/records/3", HttpStatusCode.NotFound),
            ($"/v1/sessions/{s}/records/0?treeSize=18446744073709551615", HttpStatusCode.NotFound),
            ($"/v1/sessions/{s}/records/0?treeSize=x", HttpStatusCode.BadRequest),
            ($"/v1/sessions/{s}/checkpoints/18446744073709551615/inclusion", HttpStatusCode.NotFound),
            ($"/v1/sessions/{s}/checkpoints/9223372036854775808/inclusion/registry-call", HttpStatusCode.NotFound),
            ($"/v1/sessions/{s}/checkpoints/3/inclusion", HttpStatusCode.Conflict),
            ("/v1/log/consistency", HttpStatusCode.BadRequest),
            ("/v1/log/consistency?first=2&second=1", HttpStatusCode.BadRequest),
            ("/v1/log/consistency?first=18446744073709551615", HttpStatusCode.BadRequest),
            ("/v1/log/consistency?first=0&second=18446744073709551615", HttpStatusCode.NotFound),
            ("/v1/log/consistency?first=-5", HttpStatusCode.BadRequest),
            ("/tile/0/x001", HttpStatusCode.NotFound),
            ("/tile/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.NotFound),
            ("/tile/99/000", HttpStatusCode.NotFound),
            ("/tile/entries/999", HttpStatusCode.NotFound),
        };

        foreach (var (path, status) in requests)
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{path}: {(int)response.StatusCode} {body}");
            Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"{path}: {response.Content.Headers.ContentType} {body}");
        }
    }
}

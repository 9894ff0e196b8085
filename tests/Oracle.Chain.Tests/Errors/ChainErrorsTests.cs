using System.Net;
using System.Net.Sockets;
using Nethereum.JsonRpc.Client;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Tests.Errors;

public sealed class ChainErrorsTests
{
    public static TheoryData<string, Exception> Transient => new()
    {
        { "connection refused", new RpcClientUnknownException("rpc", new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused))) },
        { "reset", new RpcClientUnknownException("rpc", new IOException("reset by peer")) },
        { "client timeout", new RpcClientTimeoutException("Rpc timeout after 20000 milliseconds") },
        { "HTTP 503", new RpcClientUnknownException("rpc", new HttpRequestException("503", null, HttpStatusCode.ServiceUnavailable)) },
        { "HTTP 429", new HttpRequestException("429", null, HttpStatusCode.TooManyRequests) },
        { "header not found", new RpcResponseException(new RpcError(-32000, "header not found")) },
        { "rate limited", new RpcResponseException(new RpcError(-32005, "request rate exceeded")) },
        { "timeout", new TimeoutException() },
    };

    public static TheoryData<string, Exception> Permanent => new()
    {
        { "HTTP 404", new RpcClientUnknownException("rpc", new HttpRequestException("404", null, HttpStatusCode.NotFound)) },
        { "HTTP 401", new HttpRequestException("401", null, HttpStatusCode.Unauthorized) },
        { "revert", new RpcResponseException(new RpcError(3, "execution reverted", "0x4e487b710000000000000000000000000000000000000000000000000000000000000011")) },
        { "invalid params", new RpcResponseException(new RpcError(-32602, "invalid argument 0: hex string without 0x prefix")) },
        { "insufficient funds", new RpcResponseException(new RpcError(-32000, "insufficient funds for gas * price + value")) },
        { "cancelled", new OperationCanceledException() },
        { "bug", new InvalidOperationException("a bug") },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void IsTransient_FailureThatPasses_IsTrue(string what, Exception e)
    {
        Assert.True(ChainErrors.IsTransient(e), what);
        Assert.True(ChainErrors.IsUnavailable(e), what);
    }

    [Theory]
    [MemberData(nameof(Permanent))]
    public void IsTransient_FailureThatStays_IsFalse(string what, Exception e) => Assert.False(ChainErrors.IsTransient(e), what);

    [Fact]
    public void IsUnavailable_NodeErrorButNotARevert_IsTrue()
    {
        Assert.True(ChainErrors.IsUnavailable(new RpcResponseException(new RpcError(-32601, "the method eth_foo does not exist"))));
        Assert.True(ChainErrors.IsUnavailable(new RpcClientUnknownException("rpc", new HttpRequestException("404", null, HttpStatusCode.NotFound))));
        Assert.False(ChainErrors.IsUnavailable(new RpcResponseException(new RpcError(3, "execution reverted", "0x4e487b710000000000000000000000000000000000000000000000000000000000000011"))));
        Assert.False(ChainErrors.IsUnavailable(new ContractRevertedException(ContractErrorDecoder.Decode("0x"))));
        Assert.False(ChainErrors.IsUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task IsTransient_NothingListening_IsTrueForTheRealException()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var e = await Assert.ThrowsAnyAsync<Exception>(() => new Nethereum.Web3.Web3($"http://127.0.0.1:{port}").Eth.Blocks.GetBlockNumber.SendRequestAsync());

        Assert.True(ChainErrors.IsTransient(e), e.ToString());
    }
}

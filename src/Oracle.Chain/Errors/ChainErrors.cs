using System.Net;
using System.Net.Sockets;
using Nethereum.JsonRpc.Client;

namespace Oracle.Chain.Errors;

/// <summary>
/// Classifies the exceptions a JSON-RPC call can end in, once for every service: whether the same request may succeed
/// if retried (<see cref="IsTransient"/>), and whether the node gave no usable answer at all (<see cref="IsUnavailable"/>).
/// A contract revert is neither: it is the chain's answer.
/// </summary>
public static class ChainErrors
{
    // JSON-RPC error messages that nodes and providers use for conditions that pass: a load-balanced node behind the
    // others (geth "header not found"), rate limits (-32005 on Infura, Alchemy's 429 inside a 200), busy or restarting
    // nodes. Matched case-insensitively; nodes put no stable code on them.
    private static readonly string[] TransientMessages =
    [
        "header not found", "unknown block", "block not found", "missing trie node", "timeout", "timed out",
        "rate limit", "too many requests", "request limit", "limit exceeded", "capacity exceeded", "try again",
        "temporarily unavailable", "service unavailable", "bad gateway", "gateway timeout", "server is busy",
        "connection reset", "connection refused", "econnreset", "econnrefused",
    ];

    // How nodes and providers refuse an eth_getLogs over too many blocks or results (Infura, Alchemy, QuickNode, Ankr,
    // BSC-style nodes...). Not transient: the same request fails again; a smaller range does not.
    private static readonly string[] TooLargeMessages =
    [
        "query returned more than", "too large", "too wide", "too many blocks", "block range", "range limit",
        "max range", "is limited to", "response size", "results limit", "query exceeds", "exceed maximum",
    ];

    /// <summary>JSON-RPC code for "limit exceeded" (EIP-1474), used by providers for rate limiting.</summary>
    private const int LimitExceededCode = -32005;

    /// <summary>
    /// Whether retrying the same request later may succeed: the node could not be reached or did not answer in time
    /// (connection refused or reset, DNS, timeouts), answered HTTP 5xx, 408 or 429, or answered a JSON-RPC error that
    /// says it is momentarily unable (rate limited, <c>header not found</c> on a node that is behind...). A contract
    /// revert, a rejected transaction, a malformed request or a cancelled operation is not transient.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case OperationCanceledException and not TaskCanceledException { InnerException: TimeoutException }:
                return false;
            case ContractRevertedException:
                return false;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient);
            case RpcResponseException rpc:
                return !ContractErrorDecoder.TryDecode(rpc, out _) && !IsLogQueryTooLarge(rpc) && IsTransientRpcError(rpc.RpcError);
            case RpcClientTimeoutException or TimeoutException:
                return true;
            case HttpRequestException http:
                return IsTransientHttp(http);
            case SocketException or IOException:
                return true;
            case RpcClientUnknownException unknown:
                // Nethereum wraps whatever the HTTP call threw; a missing inner exception says nothing better.
                return unknown.InnerException is null || IsTransient(unknown.InnerException);
            default:
                return exception.InnerException is { } inner && inner is HttpRequestException or SocketException or IOException or TimeoutException
                    && IsTransient(inner);
        }
    }

    /// <summary>
    /// Whether the node gave no usable answer: <see cref="IsTransient"/>, or any transport failure or JSON-RPC error
    /// that is not a contract revert (an unsupported method, a proxy answering 404...). Lookups that report
    /// "the chain did not answer" (a gateway's provider directory, say) use this; retry loops use
    /// <see cref="IsTransient"/>.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ContractRevertedException => false,
            OperationCanceledException => false,
            AggregateException { InnerExceptions.Count: 1 } aggregate => IsUnavailable(aggregate.InnerException!),
            RpcResponseException rpc => !ContractErrorDecoder.TryDecode(rpc, out _),
            RpcClientUnknownException or RpcClientTimeoutException or HttpRequestException or TimeoutException or SocketException => true,
            _ => IsTransient(exception),
        };
    }

    /// <summary>
    /// Whether the node refused a log query as too large (too many blocks or results): the same query fails again, a
    /// smaller block range may not (<see cref="Events.LogRangeReader"/> halves it).
    /// </summary>
    public static bool IsLogQueryTooLarge(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            return IsLogQueryTooLarge(aggregate.InnerException!);
        }

        var message = (exception as RpcResponseException)?.RpcError?.Message;
        return message is not null && TooLargeMessages.Any(m => message.Contains(m, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsTransientHttp(HttpRequestException http)
    {
        if (http.StatusCode is { } status)
        {
            return (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        }

        // No status: the request did not get an answer (connection refused or reset, name resolution, TLS).
        return http.HttpRequestError is not HttpRequestError.InvalidResponse and not HttpRequestError.ConfigurationLimitExceeded
            and not HttpRequestError.UserAuthenticationError and not HttpRequestError.VersionNegotiationError;
    }

    private static bool IsTransientRpcError(RpcError? error)
    {
        if (error is null)
        {
            return false;
        }

        if (error.Code == LimitExceededCode)
        {
            return true;
        }

        var message = error.Message ?? "";
        foreach (var m in TransientMessages)
        {
            if (message.Contains(m, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

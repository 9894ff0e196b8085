using System.Net;
using Microsoft.Extensions.Options;
using Nethereum.Util;
using OracleNode.Hosting;
using OracleNode.Watching;

namespace OracleNode.Evidence;

/// <summary>
/// Fetches evidence documents by URI and checks them against their on-chain hash (docs/protocol.md §8.1): <c>https</c>,
/// <c>http</c> (no redirects, at most <see cref="MaxBytes"/>, the configured timeout and host allow-list) and
/// <c>data:application/json;base64,</c>. The hash is <c>keccak256</c> of the bytes.
/// </summary>
internal sealed class DocumentFetcher(HttpClient http, IOptions<EvidenceOptions> options)
{
    /// <summary>The largest document read.</summary>
    public const int MaxBytes = 1 << 20;

    private const string DataPrefix = "data:application/json;base64,";

    /// <summary>Fetches the document at <paramref name="uri"/> and checks that it hashes to <paramref name="expectedHash"/> (0x-hex).</summary>
    public async Task<FetchedDocument> FetchAsync(string uri, string expectedHash, CancellationToken cancellationToken)
    {
        var fetched = await ReadAsync(uri, cancellationToken).ConfigureAwait(false);
        if (!fetched.IsFetched)
        {
            return fetched;
        }

        var hash = DisputeRecords.Hex(Sha3Keccack.Current.CalculateHash(fetched.Bytes!));
        return string.Equals(hash, expectedHash, StringComparison.OrdinalIgnoreCase)
            ? fetched
            : FetchedDocument.Invalid($"the document at {Shorten(uri)} hashes to {hash}, not to the {expectedHash} named on-chain");
    }

    private async Task<FetchedDocument> ReadAsync(string uri, CancellationToken cancellationToken)
    {
        if (uri.StartsWith(DataPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var payload = uri[DataPrefix.Length..];
            if (payload.Length > MaxBytes * 4 / 3 + 4)
            {
                return FetchedDocument.Invalid("the data: document is larger than 1 MiB");
            }

            try
            {
                return FetchedDocument.Fetched(Convert.FromBase64String(payload));
            }
            catch (FormatException)
            {
                return FetchedDocument.Invalid("the data: document is not base64");
            }
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            return FetchedDocument.Invalid($"unsupported evidence URI {Shorten(uri)} (https, http or data:application/json;base64)");
        }

        var allowed = options.Value.AllowedDocumentHosts;
        if (allowed.Count > 0 && !allowed.Contains(address.Host, StringComparer.OrdinalIgnoreCase))
        {
            return FetchedDocument.Invalid($"the host {address.Host} is not in Evidence:AllowedDocumentHosts");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            using var response = await http.GetAsync(address, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return FetchedDocument.Invalid($"{Shorten(uri)} answered {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return FetchedDocument.Unavailable($"{Shorten(uri)} answered {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBytes)
                {
                    return FetchedDocument.Invalid($"{Shorten(uri)} is larger than 1 MiB");
                }
            }

            return FetchedDocument.Fetched(buffer.ToArray());
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return FetchedDocument.Unavailable($"{Shorten(uri)} did not answer: {e.GetBaseException().Message}");
        }
    }

    private static string Shorten(string uri) => uri.Length <= 80 ? uri : uri[..77] + "...";
}

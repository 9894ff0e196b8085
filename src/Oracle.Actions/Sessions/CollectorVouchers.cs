using System.Globalization;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;

namespace Oracle.Actions.Sessions;

/// <summary>
/// The latest voucher of a session as an evidence collector serves it (<c>GET /v1/sessions/{id}/checkpoints</c>: the
/// gateway's checkpoints with the client's vouchers). The collector is not trusted: the voucher is checked against the
/// session's client on-chain before it is redeemed (<see cref="SessionActions.CloseAsync"/> does).
/// </summary>
public static class CollectorVouchers
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The voucher with the largest log of <paramref name="sessionId"/>, or a failure naming the collector.</summary>
    public static Task<ActionResult<VoucherDocument>> LatestAsync(Uri collector, ulong sessionId, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(null, async () =>
        {
            ArgumentNullException.ThrowIfNull(collector);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            JsonElement checkpoints;
            try
            {
                using var response = await http.GetAsync(new Uri(collector, $"v1/sessions/{sessionId.ToString(CultureInfo.InvariantCulture)}/checkpoints"), cancellationToken)
                    .ConfigureAwait(false);
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    throw ActionFailedException.NotFound($"the collector {collector} has no evidence of session {sessionId}");
                }

                response.EnsureSuccessStatusCode();
                checkpoints = await response.Content.ReadFromJsonAsync<JsonElement>(Web, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.Unavailable, $"the collector {collector} does not answer: {e.Message}"));
            }
            catch (JsonException e)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.Unavailable, $"the collector {collector} answered something else than checkpoints: {e.Message}"));
            }

            try
            {
                return checkpoints.EnumerateArray()
                    .Select(c => c.GetProperty("voucher"))
                    .Where(v => v.ValueKind == JsonValueKind.Object)
                    .Select(v => new VoucherDocument(sessionId,
                        BigInteger.Parse(v.GetProperty("cumulativeAmount").GetString()!, NumberStyles.None, CultureInfo.InvariantCulture),
                        v.GetProperty("cumulativeBytes").GetUInt64(),
                        v.GetProperty("logSize").GetUInt64(),
                        v.GetProperty("logRoot").GetBytesFromBase64(),
                        Convert.FromHexString(v.GetProperty("signature").GetString()!.Replace("0x", "", StringComparison.OrdinalIgnoreCase))))
                    .MaxBy(v => v.LogSize)
                    ?? throw ActionFailedException.NotFound($"the collector {collector} holds no voucher of session {sessionId} yet");
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.Unavailable, $"the collector {collector} served a malformed voucher: {e.Message}"));
            }
        }, cancellationToken);
}

using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// Keyset paging cursors: the sort key of a page's last item, opaque to clients (base64url of <c>v1|part|part</c>).
/// A page's next page is every row after that key, so pages stay exact while rows are added.
/// </summary>
internal static class PageCursor
{
    public static string Encode(params string[] parts)
        => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes("v1|" + string.Join('|', parts)));

    /// <summary>The cursor's parts, or null when <paramref name="cursor"/> is not one this API made with that many parts.</summary>
    public static string[]? Decode(string cursor, int parts)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > 512)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(cursor));
            var split = text.Split('|');
            return split.Length == parts + 1 && split[0] == "v1" ? split[1..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

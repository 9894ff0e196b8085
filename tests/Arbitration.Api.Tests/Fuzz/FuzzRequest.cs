namespace Arbitration.Api.Tests.Fuzz;

/// <summary>One generated request.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query (relative).</param>
/// <param name="ContentType">The body's media type, or null for none.</param>
/// <param name="Body">The body, or null.</param>
/// <param name="Headers">Extra headers.</param>
public sealed record FuzzRequest(string Method, string Path, string? ContentType, byte[]? Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    public override string ToString()
        => $"{Method} {Path} [{ContentType}] {(Body is null ? "" : System.Text.Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 400))))} {string.Join("; ", Headers.Select(h => $"{h.Name}: {h.Value[..Math.Min(40, h.Value.Length)]}"))}";
}

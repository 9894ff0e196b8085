namespace Arbitration.Api.Apis;

/// <summary>A cause of failure with its stable problem <c>type</c> (RFC 7807), HTTP status and title.</summary>
/// <param name="Slug">The last segment of the type URI (<c>/problems/{slug}</c>).</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">A short, human-readable summary that does not change from occurrence to occurrence.</param>
/// <param name="Description">What it means and what to do (served at <c>GET /problems</c>).</param>
public sealed record ProblemType(string Slug, int Status, string Title, string Description)
{
    /// <summary>The <c>type</c> member of problem details of this cause.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("type")]
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Uri => "/problems/" + Slug;
}

namespace Arbitration.Api.Apis;

/// <summary>Creates <see cref="EtaggedJson{T}"/> results.</summary>
public static class Etagged
{
    /// <summary>A 200 JSON answer with an ETag (or 304 when the client has it).</summary>
    public static EtaggedJson<T> Json<T>(T value) => new(value);
}

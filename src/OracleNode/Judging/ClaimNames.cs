namespace OracleNode.Judging;

/// <summary>The names of <c>IDisputeManager.ClaimType</c> values.</summary>
internal static class ClaimNames
{
    public const byte ClientBreachedPolicy = 1;
    public const byte ProviderBreachedPolicy = 2;
    public const byte ProviderOvercharged = 3;
    public const byte ProviderWithheldService = 4;

    public static string Of(byte claimType) => claimType switch
    {
        ClientBreachedPolicy => nameof(ClientBreachedPolicy),
        ProviderBreachedPolicy => nameof(ProviderBreachedPolicy),
        ProviderOvercharged => nameof(ProviderOvercharged),
        ProviderWithheldService => nameof(ProviderWithheldService),
        _ => $"unknown ({claimType})",
    };
}

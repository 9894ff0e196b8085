namespace VpnGateway.Hosting;

/// <summary>Section <c>Serve:Exit</c>: forwarding and NAT.</summary>
internal sealed class ExitSettings
{
    /// <summary>Forward session traffic (turns on IP forwarding).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Masquerade the address pool behind the uplink.</summary>
    public bool Masquerade { get; set; } = true;

    /// <summary>The uplink interface (null: any).</summary>
    public string? Uplink { get; set; }
}

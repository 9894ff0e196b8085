namespace VpnGateway.Hosting;

/// <summary>
/// Operator's mistakes found at start (a missing or malformed file, a value out of range, a port in use): each problem
/// one line saying what and where; <c>vpngateway</c> prints them and exits with status 2.
/// </summary>
internal sealed class GatewayConfigurationException : Exception
{
    public GatewayConfigurationException(string problem, Exception? inner = null)
        : base(problem, inner) => Problems = [problem];

    public GatewayConfigurationException(IReadOnlyList<string> problems)
        : base(string.Join(Environment.NewLine, problems)) => Problems = problems;

    public IReadOnlyList<string> Problems { get; }
}

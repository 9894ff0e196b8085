namespace Oracle.Hosting;

/// <summary>One mistake in a service's configuration, found by <see cref="ConfigurationSchema"/>.</summary>
/// <param name="Key">The key or section at fault (<c>Serve:Lisen</c>).</param>
/// <param name="Message">One line saying what, where, and the nearest valid key.</param>
public sealed record ConfigurationProblem(string Key, string Message);

namespace Oracle.AbiGen;

/// <summary>An artifact the generator cannot turn into bindings; the message says which and why.</summary>
public sealed class AbiGenException(string message) : Exception(message);

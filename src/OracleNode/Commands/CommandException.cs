namespace OracleNode.Commands;

/// <summary>A command cannot do what was asked; the message is the one line the operator sees.</summary>
internal sealed class CommandException(string message) : Exception(message);

namespace Oracle.Devnet.Runtime;

/// <summary>
/// How a <see cref="RabbitMqNode"/> joins a cluster of throwaway nodes on this machine: the epmd the nodes share (on a
/// port of their own, started by whoever owns the cluster), their common Erlang cookie, and every member's node name
/// (classic peer discovery: a node joins the first member that answers, or starts the cluster when none does).
/// </summary>
/// <param name="EpmdPort">The shared epmd's port.</param>
/// <param name="Cookie">The Erlang cookie of every member.</param>
/// <param name="Members">The node names of all members (<c>name@localhost</c>), this node's included.</param>
public sealed record RabbitMqClusterMembership(int EpmdPort, string Cookie, IReadOnlyList<string> Members);

namespace Oracle.AbiGen;

/// <summary>
/// The structs and custom errors of a set of contracts, one per name. A name declared twice must have the same members
/// (types and names) both times, since the bindings have one class per name; otherwise generation fails and says
/// where each declaration comes from.
/// </summary>
/// <param name="referenced">Types another run generates (the shipped contracts' when generating test doubles): used, checked, not written again.</param>
internal sealed class SharedTypes(SharedTypes? referenced)
{
    /// <summary>The structs to write, by name.</summary>
    public SortedDictionary<string, SharedType> Structs { get; } = new(StringComparer.Ordinal);

    /// <summary>The custom errors to write, by name.</summary>
    public SortedDictionary<string, SharedType> Errors { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds the structs (also nested and in arrays) and errors of <paramref name="artifact"/>'s ABI.</summary>
    public void Collect(ContractArtifactFile artifact)
    {
        foreach (var entry in artifact.Abi)
        {
            foreach (var p in entry.Inputs.Concat(entry.Outputs))
            {
                Visit(p, artifact.ContractName);
            }

            if (entry.Type == "error")
            {
                Add(Errors, referenced?.Errors, "error", new SharedType(entry.Name, entry.Inputs, Shape(entry.Inputs, artifact.ContractName), $"{entry.Name} in {artifact.ContractName}"), artifact.ContractName);
            }
        }
    }

    /// <summary>
    /// Fails when a shared class would collide with a contract's namespace or with a class generated in a contract's
    /// namespace (which would hide it there).
    /// </summary>
    public void CheckNames(IEnumerable<ContractArtifactFile> contracts)
    {
        var shared = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in new[] { this, referenced })
        {
            if (set is null)
            {
                continue;
            }

            foreach (var s in set.Structs.Values)
            {
                AddName(shared, AbiNames.Pascal(s.Name), $"struct {s.Origin}");
            }

            foreach (var e in set.Errors.Values)
            {
                AddName(shared, e.Name + "Error", $"error {e.Origin}");
            }
        }

        foreach (var contract in contracts)
        {
            var name = contract.ContractName;
            var local = new List<string> { name, name + "Deployment", name + "Service" };
            var functions = contract.Abi.Where(e => e.Type == "function").ToList();
            foreach (var f in AbiNames.UniqueNames(functions))
            {
                local.Add(f + "Function");
                local.Add(f + "Output");
            }

            local.AddRange(AbiNames.UniqueNames(contract.Abi.Where(e => e.Type == "event").ToList()).Select(e => e + "Event"));
            foreach (var type in local)
            {
                if (shared.TryGetValue(type, out var what))
                {
                    throw new AbiGenException($"{what} would be generated as {type}, which contract {name}'s bindings also define; rename one of them");
                }
            }
        }
    }

    private static void AddName(Dictionary<string, string> names, string name, string what)
    {
        if (!names.TryAdd(name, what))
        {
            throw new AbiGenException($"{what} and {names[name]} would both be generated as class {name}; rename one of them");
        }
    }

    private void Visit(AbiParameter p, string contract)
    {
        if (p.Type.EndsWith(']'))
        {
            Visit(AbiNames.ElementOf(p), contract);
            return;
        }

        if (p.Type != "tuple")
        {
            return;
        }

        var components = p.Components ?? throw new AbiGenException($"{contract}: tuple {p.Name} has no components");
        var name = AbiNames.StructName(p, contract);
        Add(Structs, referenced?.Structs, "struct", new SharedType(name, components, Shape(components, contract), $"{AbiNames.SolidityStructName(p)} in {contract}"), contract);
        foreach (var c in components)
        {
            Visit(c, contract);
        }
    }

    private static void Add(SortedDictionary<string, SharedType> into, SortedDictionary<string, SharedType>? elsewhere, string kind, SharedType type, string contract)
    {
        if (elsewhere?.TryGetValue(type.Name, out var existing) != true && !into.TryGetValue(type.Name, out existing))
        {
            into.Add(type.Name, type);
            existing = type;
        }

        if (existing!.Shape != type.Shape)
        {
            throw new AbiGenException($"{kind} {type.Name} is declared differently by {existing.Origin} ({existing.Shape}) and {type.Origin} ({type.Shape}); "
                + $"the bindings have one class per {kind} name, so make the declarations equal or rename one");
        }

        existing.UsedBy.Add(contract);
    }

    // Types (struct names for tuples) and names of the members: what the generated class's properties depend on.
    private static string Shape(List<AbiParameter> members, string contract)
        => string.Join(", ", members.Select(m => (IsTuple(m) ? m.Type.Replace("tuple", AbiNames.StructName(m, contract), StringComparison.Ordinal) : m.Type) + " " + m.Name));

    private static bool IsTuple(AbiParameter p) => p.Type.StartsWith("tuple", StringComparison.Ordinal);
}

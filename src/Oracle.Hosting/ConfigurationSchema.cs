using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.FileProviders;

namespace Oracle.Hosting;

/// <summary>
/// The settings a service reads: its option types bound to their sections. <see cref="Check(IEnumerable{IConfigurationProvider})"/>
/// finds every key of the operator's configuration that nothing reads — a typo such as <c>Serve:Lisen</c>, or a whole
/// misspelt section such as <c>Meterng</c>, which the configuration binder would ignore and so silently switch a
/// feature off — and every value the binder could not convert, each as one line naming the key, the file or variable
/// it came from, and the nearest valid key.
/// </summary>
/// <remarks>
/// Check only the sources the operator writes (the service's configuration files and its prefixed environment
/// variables): a host also reads every environment variable, which are not settings.
/// </remarks>
/// <example>
/// <code>
/// var schema = new ConfigurationSchema().Add&lt;ServiceSettings&gt;().Add&lt;ChainOptions&gt;("Chain").AddFreeForm("Logging");
/// schema.EnsureValid(operatorConfiguration.Providers); // throws ConfigurationException
/// </code>
/// </example>
public sealed class ConfigurationSchema
{
    private readonly Node _root = Node.Object();

    /// <summary>
    /// Declares <typeparamref name="T"/> bound at <paramref name="section"/> (empty: at the root, so that its properties
    /// are top-level sections). Public properties with a setter, and collections and objects the binder fills in place,
    /// are keys; nested types, lists, arrays and dictionaries are followed. Several types may share a section.
    /// </summary>
    public ConfigurationSchema Add<T>(string section = "") => Add(section, typeof(T));

    /// <inheritdoc cref="Add{T}"/>
    public ConfigurationSchema Add(string section, Type type)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(type);
        var node = Describe(type, []);
        if (section.Length == 0)
        {
            Merge(_root, node);
        }
        else
        {
            Merge(At(section), node);
        }

        return this;
    }

    /// <summary>Declares a section whose keys are not checked (<c>Logging</c>: categories are free names).</summary>
    public ConfigurationSchema AddFreeForm(string section)
    {
        ArgumentException.ThrowIfNullOrEmpty(section);
        At(section).Kind = NodeKind.Any;
        return this;
    }

    /// <summary>Every key that nothing reads and every value that cannot be converted, in the order the providers hold them.</summary>
    public IReadOnlyList<ConfigurationProblem> Check(IEnumerable<IConfigurationProvider> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var problems = new List<ConfigurationProblem>();
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in providers)
        {
            foreach (var key in Keys(provider, null))
            {
                if (Problem(provider, key) is { } problem && reported.Add(problem.Key))
                {
                    problems.Add(problem);
                }
            }
        }

        return problems;
    }

    /// <inheritdoc cref="Check(IEnumerable{IConfigurationProvider})"/>
    public IReadOnlyList<ConfigurationProblem> Check(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Check(configuration.Providers);
    }

    /// <summary>Throws <see cref="ConfigurationException"/> naming every problem (one line, separated by "; ").</summary>
    /// <exception cref="ConfigurationException">A key nothing reads, or a value that cannot be converted.</exception>
    public void EnsureValid(IEnumerable<IConfigurationProvider> providers)
    {
        var problems = Check(providers);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join("; ", problems.Select(p => p.Message)));
        }
    }

    /// <summary>The nearest valid key to <paramref name="key"/> (a misspelling, or the same name in another section), or null.</summary>
    public string? Suggest(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var segments = key.Split(':');
        var node = _root;
        var path = new List<string>();
        foreach (var segment in segments)
        {
            if (node.Kind == NodeKind.Object && node.Children.TryGetValue(segment, out var child))
            {
                path.Add(node.Names[segment]);
                node = child;
                continue;
            }

            if (node.Kind is NodeKind.Array or NodeKind.Map)
            {
                path.Add(segment);
                node = node.Element!;
                continue;
            }

            return SuggestAt(node, path, segment);
        }

        return null;
    }

    private ConfigurationProblem? Problem(IConfigurationProvider provider, string key)
    {
        var segments = key.Split(':');
        var node = _root;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var path = string.Join(':', segments, 0, i + 1);
            switch (node.Kind)
            {
                case NodeKind.Any:
                    return null;
                case NodeKind.Object when node.Children.TryGetValue(segment, out var child):
                    node = child;
                    break;
                case NodeKind.Object:
                {
                    var what = i < segments.Length - 1 ? "section" : "key";
                    var suggestion = SuggestAt(node, [.. segments.Take(i)], segment);
                    return new ConfigurationProblem(path,
                        $"unknown {what} {path} {Where(provider, key)}{(suggestion is null ? string.Empty : $" (did you mean {suggestion}?)")}: nothing reads it");
                }

                case NodeKind.Array when !int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _):
                    return new ConfigurationProblem(path, $"{path} {Where(provider, key)}: {string.Join(':', segments, 0, i)} is a list, and '{segment}' is not an index of it");
                case NodeKind.Array or NodeKind.Map:
                    node = node.Element!;
                    break;
                case NodeKind.Leaf:
                    return new ConfigurationProblem(path, $"{string.Join(':', segments, 0, i)} {Where(provider, key)} is a value ({Name(node.LeafType!)}), not a section: '{segment}' is ignored");
            }
        }

        if (!provider.TryGet(key, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        return node.Kind switch
        {
            NodeKind.Leaf when !Converts(node.LeafType!, value) => new ConfigurationProblem(key, $"{key} {Where(provider, key)}: '{value}' is not {Article(node.LeafType!)}"),
            NodeKind.Object or NodeKind.Array or NodeKind.Map => new ConfigurationProblem(key, $"{key} {Where(provider, key)} is a section, not a value: '{value}' is ignored"),
            _ => null,
        };
    }

    // Levenshtein distance among the names valid at that level; failing that, the same name anywhere else.
    private string? SuggestAt(Node parent, IReadOnlyList<string> path, string segment)
    {
        if (parent.Kind == NodeKind.Object)
        {
            var best = parent.Names.Values
                .Select(name => (Name: name, Distance: Distance(name, segment)))
                .Where(c => c.Distance <= Math.Max(2, segment.Length / 3))
                .OrderBy(c => c.Distance)
                .FirstOrDefault();
            if (best.Name is not null)
            {
                return string.Join(':', path.Append(best.Name));
            }
        }

        var elsewhere = new List<string>();
        Find(_root, [], segment, elsewhere);
        return elsewhere.Count > 0 ? string.Join(" or ", elsewhere.Take(3)) : null;
    }

    private static void Find(Node node, List<string> path, string name, List<string> found)
    {
        if (node.Kind == NodeKind.Object)
        {
            foreach (var (key, child) in node.Children)
            {
                path.Add(node.Names[key]);
                if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(string.Join(':', path));
                }

                Find(child, path, name, found);
                path.RemoveAt(path.Count - 1);
            }
        }
        else if (node.Kind is NodeKind.Array or NodeKind.Map)
        {
            path.Add(node.Kind == NodeKind.Array ? "0" : "<name>");
            Find(node.Element!, path, name, found);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static IEnumerable<string> Keys(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var path = parent is null ? child : $"{parent}:{child}";
            var any = false;
            foreach (var below in Keys(provider, path))
            {
                any = true;
                yield return below;
            }

            if (!any)
            {
                yield return path;
            }
        }
    }

    private static string Where(IConfigurationProvider provider, string key) => provider switch
    {
        FileConfigurationProvider file => $"in {FilePath(file.Source)}",
        EnvironmentVariablesConfigurationProvider environment => $"from the environment ({EnvironmentPrefix(environment)}{key.Replace(":", "__", StringComparison.Ordinal)})",
        CommandLineConfigurationProvider => $"on the command line (--{key})",
        _ => $"from {provider.GetType().Name}",
    };

    private static string FilePath(FileConfigurationSource source)
        => source.FileProvider is PhysicalFileProvider physical && source.Path is { } relative ? Path.Combine(physical.Root, relative) : source.Path ?? "a file";

    // The provider keeps its prefix private; its ToString says "EnvironmentVariablesConfigurationProvider Prefix: 'X_'".
    private static string EnvironmentPrefix(EnvironmentVariablesConfigurationProvider provider)
    {
        var text = provider.ToString();
        var start = text.IndexOf('\'', StringComparison.Ordinal);
        var end = text.LastIndexOf('\'');
        return start >= 0 && end > start ? text[(start + 1)..end] : string.Empty;
    }

    // As the configuration binder converts: the type's TypeConverter from an invariant string.
    private static bool Converts(Type type, string value)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var converter = TypeDescriptor.GetConverter(type);
        if (type == typeof(string) || type == typeof(object) || !converter.CanConvertFrom(typeof(string)))
        {
            return true;
        }

        try
        {
            converter.ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static string Name(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
            _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong) || type == typeof(short) || type == typeof(ushort) || type == typeof(byte)
                => $"an integer ({type.Name})",
            _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number",
            _ => type.Name,
        };
    }

    private static string Article(Type type)
    {
        var name = Name(type);
        return name.StartsWith("a ", StringComparison.Ordinal) || name.StartsWith("an ", StringComparison.Ordinal) || name.StartsWith("one of", StringComparison.Ordinal)
            || name.StartsWith("true", StringComparison.Ordinal)
            ? name
            : $"a valid {name}";
    }

    private Node At(string section)
    {
        var node = _root;
        foreach (var segment in section.Split(':'))
        {
            if (!node.Children.TryGetValue(segment, out var child))
            {
                child = Node.Object();
                node.Children[segment] = child;
                node.Names[segment] = segment;
            }

            node = child;
        }

        return node;
    }

    private static void Merge(Node target, Node source)
    {
        if (target.Kind == NodeKind.Any)
        {
            return;
        }

        if (source.Kind != NodeKind.Object || target.Kind != NodeKind.Object)
        {
            target.Kind = source.Kind;
            target.LeafType = source.LeafType;
            target.Element = source.Element;
            return;
        }

        foreach (var (key, child) in source.Children)
        {
            if (target.Children.TryGetValue(key, out var existing))
            {
                Merge(existing, child);
            }
            else
            {
                target.Children[key] = child;
                target.Names[key] = source.Names[key];
            }
        }
    }

    private static Node Describe(Type type, HashSet<Type> visiting)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return new Node { Kind = NodeKind.Leaf, LeafType = type };
        }

        if (type.IsArray)
        {
            return new Node { Kind = NodeKind.Array, Element = Describe(type.GetElementType()!, visiting) };
        }

        if (Dictionary(type) is { } value)
        {
            return new Node { Kind = NodeKind.Map, Element = Describe(value, visiting) };
        }

        if (Enumerable(type) is { } element)
        {
            return new Node { Kind = NodeKind.Array, Element = Describe(element, visiting) };
        }

        if (!visiting.Add(type))
        {
            return new Node { Kind = NodeKind.Any }; // a type that contains itself: not checked below
        }

        var node = Node.Object();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            if (!Bindable(property))
            {
                continue;
            }

            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            node.Children[name] = Describe(property.PropertyType, visiting);
            node.Names[name] = name;
        }

        visiting.Remove(type);
        return node;
    }

    // What the binder sets: a property with a public setter, or a get-only one it fills in place (a mutable collection or
    // an object); a computed read-only view (IReadOnlyList<T>, a scalar) is not configuration.
    private static bool Bindable(PropertyInfo property)
    {
        if (property.SetMethod is { IsPublic: true })
        {
            return true;
        }

        var type = property.PropertyType;
        if (IsScalar(Nullable.GetUnderlyingType(type) ?? type))
        {
            return false;
        }

        return type.GetInterfaces().Append(type).Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ICollection<>) || i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
            || (!type.IsInterface && !typeof(IEnumerable).IsAssignableFrom(type));
    }

    private static bool IsScalar(Type type)
        => type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(object)
            || type == typeof(System.Numerics.BigInteger) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Version);

    private static Type? Dictionary(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() is var definition
                && (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        return null;
    }

    private static Type? Enumerable(Type type)
    {
        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return typeof(object);
    }

    private enum NodeKind
    {
        Object,
        Leaf,
        Array,
        Map,
        Any,
    }

    private sealed class Node
    {
        public NodeKind Kind { get; set; }

        public Type? LeafType { get; set; }

        public Node? Element { get; set; }

        public Dictionary<string, Node> Children { get; } = new(StringComparer.OrdinalIgnoreCase);

        public Dictionary<string, string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);

        public static Node Object() => new() { Kind = NodeKind.Object };
    }
}

using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Gateway.Tests.Architecture;

/// <summary>
/// Keeps the project graph honest: a project's code may only name <c>Gateway.*</c> namespaces of projects it references
/// directly (no leaning on transitive references), and every project it references must be used. The graph is then the
/// architecture a newcomer reads from the .csproj files, not an approximation of it.
/// </summary>
public sealed partial class ProjectReferenceTests
{
    private static readonly Lazy<IReadOnlyList<SourceProject>> Projects = new(LoadProjects);

    [Fact]
    public void Every_imported_gateway_namespace_belongs_to_a_directly_referenced_project()
    {
        var owners = NamespaceOwners();
        var problems = new List<string>();
        foreach (var project in Projects.Value)
        {
            foreach (var (name, file) in project.ImportedNames)
            {
                var owner = Resolve(owners, name);
                if (owner is not null && owner != project.Name && !project.References.Contains(owner))
                {
                    problems.Add($"{project.Name} uses {name} ({file}) from {owner} without referencing it");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems.Distinct()));
    }

    [Fact]
    public void Every_project_reference_is_used()
    {
        var owners = NamespaceOwners();
        var problems = new List<string>();
        foreach (var project in Projects.Value)
        {
            var used = project.ImportedNames.Select(n => Resolve(owners, n.Name)).Where(o => o is not null).ToHashSet();
            problems.AddRange(project.References.Where(r => !used.Contains(r)).Select(r => $"{project.Name} references {r} but never uses it"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Front_door_does_not_reference_the_api_project()
    {
        var frontDoor = Projects.Value.Single(p => p.Name == "Gateway.FrontDoor");
        Assert.DoesNotContain("Gateway.Api", frontDoor.References);
    }

    [Fact]
    public void Project_references_point_one_way()
    {
        // A cycle would fail the build anyway; this pins the layering that the README's picture shows.
        var byName = Projects.Value.ToDictionary(p => p.Name);
        string[] lowest = ["Gateway.Kernels", "Gateway.Inference.Abstractions", "Gateway.ChatTemplates", "Gateway.Observability"];
        foreach (var name in lowest)
        {
            Assert.DoesNotContain(byName[name].References, r => r.StartsWith("Gateway.Serving", StringComparison.Ordinal)
                || r.StartsWith("Gateway.Api", StringComparison.Ordinal) || r.StartsWith("Gateway.FrontDoor", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(byName["Gateway.Serving"].References, r => r.StartsWith("Gateway.Engine", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> NamespaceOwners()
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in Projects.Value)
        {
            foreach (var ns in project.DeclaredNamespaces)
            {
                if (owners.TryGetValue(ns, out var other) && other != project.Name)
                {
                    throw new InvalidOperationException($"namespace {ns} is declared by both {other} and {project.Name}");
                }

                owners[ns] = project.Name;
            }
        }

        return owners;
    }

    /// <summary>The project owning the longest declared namespace that prefixes <paramref name="name"/>.</summary>
    private static string? Resolve(Dictionary<string, string> owners, string name)
    {
        for (var candidate = name; ; )
        {
            if (owners.TryGetValue(candidate, out var owner))
            {
                return owner;
            }

            var dot = candidate.LastIndexOf('.');
            if (dot <= 0)
            {
                return null;
            }

            candidate = candidate[..dot];
        }
    }

    private static IReadOnlyList<SourceProject> LoadProjects()
    {
        var root = RepositoryRoot();
        var projects = new List<SourceProject>();
        foreach (var csproj in Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var dir = Path.GetDirectoryName(csproj)!;
            var references = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value))
                .ToHashSet(StringComparer.Ordinal);
            var declared = new HashSet<string>(StringComparer.Ordinal);
            var imported = new List<(string, string)>();
            foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(dir, file);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var line in File.ReadLines(file))
                {
                    var trimmed = line.TrimStart();
                    if (trimmed.StartsWith("//", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var ns = NamespaceDeclaration().Match(trimmed);
                    if (ns.Success)
                    {
                        declared.Add(ns.Groups[1].Value);
                        continue;
                    }

                    var code = StringLiteral().Replace(trimmed, "\"\"");
                    foreach (Match m in QualifiedName().Matches(code))
                    {
                        imported.Add((m.Value, Path.GetFileName(file)));
                    }
                }
            }

            projects.Add(new SourceProject(Path.GetFileNameWithoutExtension(csproj), references, declared, imported));
        }

        return projects;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Gateway.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^namespace\s+([\w.]+)")]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"(?<![\w.])Gateway(\.[A-Z]\w*)+")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"@?\$?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    private sealed record SourceProject(
        string Name,
        IReadOnlySet<string> References,
        IReadOnlySet<string> DeclaredNamespaces,
        IReadOnlyList<(string Name, string File)> ImportedNames);
}

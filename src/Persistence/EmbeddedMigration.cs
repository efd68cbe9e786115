using System.Globalization;
using System.Reflection;

namespace SecretsStore.Persistence;

/// <summary>A migration script embedded in this assembly, named <c>NNNN_name.sql</c>.</summary>
/// <remarks>
/// Each script lives beside the code that queries its tables, in any folder; the project file embeds them all under
/// one <see cref="Prefix"/>, so moving a script between folders never changes the version or name a database has
/// recorded for it.
/// </remarks>
internal sealed record EmbeddedMigration(int Version, string Name, string Sql)
{
    public const string Prefix = "Migrations/";

    // Resource names look like "Migrations/0002_orleans_clustering.sql" (see Persistence.csproj).
    public static IReadOnlyList<EmbeddedMigration> LoadAll()
    {
        var assembly = typeof(EmbeddedMigration).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
            .Select(r => Parse(r, Read(assembly, r)))
            .OrderBy(m => m.Version)
            .ToList();

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        }

        return migrations;
    }

    private static EmbeddedMigration Parse(string resource, string sql)
    {
        var file = resource[Prefix.Length..^".sql".Length];
        var separator = file.IndexOf('_');
        if (separator <= 0 || !int.TryParse(file[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration '{resource}' is not named NNNN_name.sql.");
        }

        return new EmbeddedMigration(version, file[(separator + 1)..], sql);
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

using System.Globalization;
using System.Reflection;

namespace SecretsStore.Grains.Persistence;

/// <summary>A migration script embedded in this assembly, named <c>NNNN_name.sql</c>.</summary>
internal sealed record EmbeddedMigration(int Version, string Name, string Sql)
{
    private const string Folder = ".Persistence.Migrations.";

    // Resource names look like "SecretsStore.Grains.Persistence.Migrations.0002_orleans_clustering.sql".
    public static IReadOnlyList<EmbeddedMigration> LoadAll()
    {
        var assembly = typeof(EmbeddedMigration).Assembly;
        var migrations = assembly.GetManifestResourceNames()
            .Where(r => r.Contains(Folder, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal))
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
        var file = resource[(resource.LastIndexOf(Folder, StringComparison.Ordinal) + Folder.Length)..^".sql".Length];
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

namespace SecretsStore.Persistence;

/// <summary>Names that statements without parameters must spell out (a database, a role, a schema), quoted.</summary>
internal static class SqlIdentifier
{
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>Where a development run keeps its PostgreSQL, master key and credentials: <c>SECRETSSTORE_DATA</c>, default <c>.data</c>.</summary>
public static class DataFolder
{
    public static string Resolve(SecretsStoreHostOptions options)
    {
        var path = Path.GetFullPath(options.DataFolder ?? ".data");
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            // Traversable but not listable by others: the embedded PostgreSQL runs as another user below it.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }
}

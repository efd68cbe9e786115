namespace SecretsStore.Silo.Hosting.Development;

/// <summary>Where a development run keeps its PostgreSQL, master key and credentials: <c>SECRETSSTORE_DATA</c>, default <c>.data</c>.</summary>
public static class DataFolder
{
    /// <exception cref="StartRefusedException">The folder cannot be made, or is not this user's.</exception>
    public static string Resolve(SecretsStoreHostOptions options)
    {
        var path = Path.GetFullPath(options.DataFolder ?? ".data");
        try
        {
            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                // Traversable but not listable by others: the embedded PostgreSQL runs as another user below it.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }
        catch (Exception refused) when (refused is IOException or UnauthorizedAccessException)
        {
            throw new StartRefusedException(
                $"The data folder {path} cannot be made or taken by this user ({refused.Message}): set SECRETSSTORE_DATA to a folder of your own.", refused);
        }

        return path;
    }
}

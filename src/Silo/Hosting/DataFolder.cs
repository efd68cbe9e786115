using Microsoft.Extensions.Configuration;

namespace SecretsStore.Silo.Hosting;

/// <summary>Where a development run keeps its PostgreSQL, master key and credentials: <c>SECRETSSTORE_DATA</c>, default <c>.data</c>.</summary>
public static class DataFolder
{
    public static string Resolve(IConfiguration configuration)
    {
        var path = Path.GetFullPath(configuration["SECRETSSTORE_DATA"] ?? configuration["SecretsStore:DataFolder"] ?? ".data");
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

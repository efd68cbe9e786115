namespace SecretsStore.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The checkout's root: the folder above the test binaries that holds SecretsStore.sln.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretsStore.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SecretsStore.sln not found above the test binaries.");
    }

    /// <summary>The Node client suites, with their installed packages.</summary>
    public static string Clients()
    {
        var clients = Path.Combine(Root(), "tests", "clients");
        Assert.True(Directory.Exists(Path.Combine(clients, "node_modules")),
            "tests/clients/node_modules is missing: run the README's test command (scripts/test.sh), which installs it.");
        return clients;
    }
}

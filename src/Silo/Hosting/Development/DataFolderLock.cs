using System.Globalization;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>A data folder that another running process holds.</summary>
public sealed class DataFolderInUseException(string message) : StartRefusedException(message);

/// <summary>
/// A development run's exclusive claim on its data folder, held from before it touches anything there until it has
/// stopped its PostgreSQL. The claim is an exclusive lock on <c>secretsstore.lock</c>, which the kernel drops when the
/// process ends however it ends, so a killed run leaves nothing that blocks the next start. Beside it,
/// <c>secretsstore.owner</c> says who holds the folder, for the message a second start prints.
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private const string LockFileName = "secretsstore.lock";
    private const string OwnerFileName = "secretsstore.owner";

    private readonly FileStream _lock;
    private readonly string _ownerFile;

    private DataFolderLock(FileStream held, string folder)
    {
        _lock = held;
        _ownerFile = Path.Combine(folder, OwnerFileName);
    }

    /// <exception cref="DataFolderInUseException">Another process holds the folder; nothing in it was touched.</exception>
    public static DataFolderLock Acquire(string folder)
    {
        try
        {
            // On Unix, .NET takes FileShare.None as an exclusive flock(2) on the file.
            var held = new FileStream(Path.Combine(folder, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var claim = new DataFolderLock(held, folder);
            claim.WriteOwner(url: null);
            return claim;
        }
        catch (IOException)
        {
            throw new DataFolderInUseException(
                $"Another SecretsStore ({Describe(folder)}) is running on the data folder {folder}; stop it first, or start this one with its own folder in SECRETSSTORE_DATA.");
        }
    }

    /// <summary>Records where the service listens, once it does.</summary>
    public void Announce(Uri url) => WriteOwner(url);

    public void Dispose()
    {
        File.Delete(_ownerFile);
        _lock.Dispose();
    }

    private void WriteOwner(Uri? url) =>
        File.WriteAllText(_ownerFile, string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId}{(url is null ? ", starting" : $", {url.ToString().TrimEnd('/')}")}"));

    private static string Describe(string folder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(folder, OwnerFileName)).Trim();
        }
        catch (IOException)
        {
            return "process unknown";
        }
    }
}

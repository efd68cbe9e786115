using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// Where a development run keeps its PostgreSQL: <c>&lt;data&gt;/postgres</c>, unless the user PostgreSQL runs as
/// cannot reach the data folder. Run as root, PostgreSQL runs as <c>postgres</c>, which needs search permission on
/// every folder above its own, and a clone in <c>mktemp -d</c> or under <c>/root</c> (mode 0700) is out of its reach.
/// Its cluster then lives in a folder of its own under <c>/var/lib/secretsstore</c>, owner-only like the rest and kept
/// across reboots (a temporary folder may be emptied by one, and the data with it), and <c>&lt;data&gt;/postgres</c>
/// is a link to it: later starts, <c>scripts/cluster.sh</c> and a person looking at the data folder all find it there.
/// The master key, the credentials and the cluster certificates stay in the data folder.
/// </summary>
internal static class EmbeddedPostgresHome
{
    public const string LinkName = "postgres";
    public const string SharedRoot = "/var/lib/secretsstore";

    /// <summary>In a cluster's folder under <see cref="SharedRoot"/>: the data folder it belongs to.</summary>
    public const string DataFolderFile = "data-folder";

    /// <param name="Path">The folder to give <see cref="EmbeddedPostgres"/>, links resolved.</param>
    /// <param name="Note">What a person should know about where it is, when this start decided it; else null.</param>
    public sealed record Home(string Path, string? Note);

    /// <exception cref="StartRefusedException">No place the PostgreSQL user can reach could be found or made.</exception>
    public static async Task<Home> ResolveAsync(string dataFolder, CancellationToken ct)
    {
        var inside = Path.Combine(dataFolder, LinkName);
        var existing = new DirectoryInfo(inside);
        if (!EmbeddedPostgres.RunsAsAnotherUser || OperatingSystem.IsWindows())
        {
            return new Home(inside, null);
        }

        if (existing.LinkTarget is not null)
        {
            return await LinkedHomeAsync(dataFolder, existing, ct);
        }

        var blocked = await FirstUnreachableAsync(dataFolder, ct);
        if (blocked is null)
        {
            return new Home(inside, null);
        }

        if (existing.Exists)
        {
            throw new StartRefusedException(
                $"The PostgreSQL under {inside} is out of reach of the user {EmbeddedPostgres.SuperUser}, which runs it: {Describe(blocked)}. "
                + $"Let it through with chmod o+x {blocked} (search, not listing), or move the data folder back to where it was made.");
        }

        var why = $"the user {EmbeddedPostgres.SuperUser}, which runs it, cannot reach {dataFolder}: {Describe(blocked)}";
        var outside = Path.Combine(SharedRoot, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var orphans = Orphans();
        Make(dataFolder, outside, why, fix: $"chmod o+x {blocked}, or set SECRETSSTORE_DATA to a folder it can reach");
        Directory.CreateSymbolicLink(inside, outside);
        return new Home(outside, $"{why}; {inside} links there."
            + (orphans.Count == 0 ? "" : $" These folders there belong to data folders that are gone; delete them if nothing needs them: {string.Join(", ", orphans)}."));
    }

    /// <summary>A data folder whose cluster lives elsewhere already: that cluster, unless it is another data folder's.</summary>
    [UnsupportedOSPlatform("windows")]
    private static async Task<Home> LinkedHomeAsync(string dataFolder, DirectoryInfo link, CancellationToken ct)
    {
        var target = Path.GetFullPath(link.LinkTarget!, dataFolder);
        var owner = Path.Combine(target, DataFolderFile);
        if (File.Exists(owner) && File.ReadAllText(owner).Trim() is { Length: > 0 } recorded && recorded != dataFolder
            && new DirectoryInfo(Path.Combine(recorded, LinkName)).LinkTarget is { } theirs && Path.GetFullPath(theirs, recorded) == target)
        {
            throw new StartRefusedException(
                $"{link.FullName} links to {target}, the PostgreSQL of the data folder {recorded} (is this folder a copy of it?): "
                + $"delete the link {link.FullName} to give this folder a PostgreSQL of its own.");
        }

        string? note = null;
        if (!Directory.Exists(target))
        {
            // Deleted by hand, or the data folder came from another machine: a new, empty one in its place.
            note = $"{target}, where this data folder's PostgreSQL was, is gone; this is a new, empty one.";
            Make(dataFolder, target, $"{target} was gone", fix: "check that you may write there");
        }
        else if (await FirstUnreachableAsync(target, ct) is { } blocked)
        {
            throw new StartRefusedException(
                $"The PostgreSQL of this data folder, {target}, is out of reach of the user {EmbeddedPostgres.SuperUser}, which runs it: {Describe(blocked)}; let it through with chmod o+x {blocked}.");
        }

        // The data folder may have been moved since: the record follows it.
        File.WriteAllText(owner, dataFolder + "\n");
        return new Home(target, note);
    }

    [UnsupportedOSPlatform("windows")]
    private static void Make(string dataFolder, string folder, string why, string fix)
    {
        try
        {
            // Others may pass through to their own folder, never list what is there; the folder itself is owner-only.
            Directory.CreateDirectory(SharedRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(folder, DataFolderFile), dataFolder + "\n");
        }
        catch (Exception refused) when (refused is IOException or UnauthorizedAccessException)
        {
            throw new StartRefusedException($"The development PostgreSQL cannot stay under the data folder ({why}), and {folder} could not be made instead ({refused.Message}): {fix}.", refused);
        }
    }

    /// <summary>Folders under <see cref="SharedRoot"/> whose data folder no longer exists.</summary>
    private static List<string> Orphans()
    {
        if (!Directory.Exists(SharedRoot))
        {
            return [];
        }

        return Directory.GetDirectories(SharedRoot)
            .Where(folder => File.Exists(Path.Combine(folder, DataFolderFile))
                && !Directory.Exists(File.ReadAllText(Path.Combine(folder, DataFolderFile)).Trim()))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [UnsupportedOSPlatform("windows")]
    private static string Describe(string blocked) =>
        $"{blocked} (mode {Convert.ToString((int)File.GetUnixFileMode(blocked), 8)}) does not let it in";

    /// <summary>
    /// The first folder on the way from / to <paramref name="folder"/> (itself included) that the PostgreSQL user may
    /// not search, or null when it may enter them all. Asked of the system as that user, so that groups and ACLs count.
    /// </summary>
    private static async Task<string?> FirstUnreachableAsync(string folder, CancellationToken ct)
    {
        var path = new List<string>();
        for (var current = new DirectoryInfo(folder); current is not null; current = current.Parent)
        {
            path.Insert(0, current.FullName);
        }

        const string FirstBlocked = "for d do if ! test -x \"$d\"; then echo \"blocked:$d\"; exit 0; fi; done; echo reachable";
        var result = await ProcessRunner.RunAsync("runuser", ["-u", EmbeddedPostgres.SuperUser, "--", "sh", "-c", FirstBlocked, "sh", .. path], ct);
        var answer = result.Output.Split('\n').LastOrDefault()?.Trim() ?? "";
        if (result.ExitCode != 0 || !(answer == "reachable" || answer.StartsWith("blocked:", StringComparison.Ordinal)))
        {
            throw new StartRefusedException(
                $"Run as root, the development PostgreSQL runs as the user {EmbeddedPostgres.SuperUser}, and runuser -u {EmbeddedPostgres.SuperUser} failed ({result.Output.ReplaceLineEndings(" ")}): "
                + "install PostgreSQL's server package (scripts/ensure-prerequisites.sh does), or start as another user.");
        }

        return answer == "reachable" ? null : answer["blocked:".Length..];
    }
}

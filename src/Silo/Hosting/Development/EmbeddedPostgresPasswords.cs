using System.Security.Cryptography;
using Npgsql;

namespace SecretsStore.Silo.Hosting.Development;

/// <summary>
/// The embedded PostgreSQL's two passwords (the superuser's and <see cref="EmbeddedPostgres.RuntimeRole"/>'s), kept
/// in owner-only files of its folder and made on first use, and what makes the server ask for them: a cluster made
/// before passwords is upgraded, and the runtime role is kept in line with its file.
/// </summary>
internal sealed class EmbeddedPostgresPasswords
{
    private const string PasswordOnlyHba = """
        # Written by SecretsStore's development run: every connection needs a password (superuser.password or
        # runtime.password beside pgdata/), so no other local user can connect.
        # TYPE  DATABASE  USER  ADDRESS       METHOD
        local   all       all                 scram-sha-256
        host    all       all   127.0.0.1/32  scram-sha-256
        host    all       all   ::1/128       scram-sha-256

        """;

    private EmbeddedPostgresPasswords(string superUser, string runtime, bool superUserIsNew)
    {
        SuperUser = superUser;
        Runtime = runtime;
        SuperUserIsNew = superUserIsNew;
    }

    public string SuperUser { get; }

    public string Runtime { get; }

    /// <summary>This start made the superuser's password: an existing cluster does not know it yet.</summary>
    private bool SuperUserIsNew { get; }

    public static EmbeddedPostgresPasswords ReadOrMake(string rootDirectory)
    {
        var (superUser, superUserIsNew) = ReadOrMakeFile(Path.Combine(rootDirectory, EmbeddedPostgres.SuperUserPasswordFile));
        var (runtime, _) = ReadOrMakeFile(Path.Combine(rootDirectory, EmbeddedPostgres.RuntimePasswordFile));
        return new EmbeddedPostgresPasswords(superUser, runtime, superUserIsNew);
    }

    /// <summary>
    /// Upgrades a cluster made before passwords (initdb <c>--auth=trust</c>), or one whose password file was lost:
    /// while the server is down, the superuser gets the file's password (in single-user mode, which takes no
    /// connections), then pg_hba.conf asks every connection for a password. Any other pg_hba.conf is left alone.
    /// </summary>
    public async Task UpgradeTrustingClusterAsync(EmbeddedPostgres server, string dataDirectory, CancellationToken ct)
    {
        var hba = Path.Combine(dataDirectory, "pg_hba.conf");
        var trusting = File.ReadLines(hba).Any(TrustsWithoutPassword);
        if (!trusting && !SuperUserIsNew)
        {
            return;
        }

        var result = await server.RunAsync(
            "postgres",
            // A failed statement is logged with its text, which here holds the password: log none.
            ["--single", "-D", dataDirectory, "-c", "password_encryption=scram-sha-256", "-c", "log_min_error_statement=panic", EmbeddedPostgres.SuperUser],
            ct,
            throwOnFailure: false,
            input: $"ALTER ROLE {EmbeddedPostgres.SuperUser} PASSWORD '{SuperUser}'\n");
        // The single-user backend exits 0 even when the statement failed, and its output would quote the password.
        if (result.ExitCode != 0 || result.Output.Contains("ERROR:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not set the superuser's password of the PostgreSQL under {server.RootDirectory} (single-user mode failed).");
        }

        if (trusting)
        {
            // Overwritten in place, which keeps the file's owner (postgres, when we run as root) and mode.
            await File.WriteAllTextAsync(hba, PasswordOnlyHba, ct);
        }
    }

    /// <summary>Creates the runtime role or brings its password in line with the file; it owns nothing and may create nothing.</summary>
    public async Task EnsureRuntimeRoleAsync(string superUserConnectionString, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(superUserConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection)
        {
            Parameters = { new() { Value = EmbeddedPostgres.RuntimeRole } },
        };
        var verb = await exists.ExecuteScalarAsync(ct) is null ? "CREATE" : "ALTER";
        // A role's password cannot be a parameter; the password is hex, and the literal is quoted all the same. Were
        // the statement to fail, the server would log its text, password and all: this session logs none.
        var password = Runtime.Replace("'", "''", StringComparison.Ordinal);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SET log_min_error_statement = panic"),
                new($"{verb} ROLE {EmbeddedPostgres.RuntimeRole} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '{password}'"),
            },
        };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Hex, so that it needs no quoting in a connection string or a SQL literal.</summary>
    private static (string Password, bool IsNew) ReadOrMakeFile(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return (existing, false);
        }

        var made = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        OwnerOnlyFile.Write(path, made + "\n");
        return (made, true);
    }

    private static bool TrustsWithoutPassword(string line)
    {
        var active = line.Split('#', 2)[0];
        return active.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Contains("trust", StringComparer.Ordinal);
    }
}

using Npgsql;
using SecretsStore.Persistence;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Brings the database to this build's schema before the host exists (Orleans reads its queries and membership from
/// those tables as it starts), each kind of process as its credentials allow.
/// </summary>
public static class DatabasePreparation
{
    private const string InsufficientPrivilege = "42501";

    /// <remarks>
    /// <list type="bullet">
    /// <item>A gateway never changes the schema, whatever it was given: it waits until the silos (or the
    /// <c>migrate</c> command) have applied every migration it knows, so it needs only the runtime's credentials.</item>
    /// <item>A silo with the owner's connection migrates as the owner and grants the runtime role its privileges.</item>
    /// <item>A silo with one connection migrates with it when the schema is behind (the single role of deployments
    /// made before the split, which owns the tables). If that role may not (a runtime role, with the owner's
    /// migrations left to the <c>migrate</c> command), it waits like a gateway.</item>
    /// </list>
    /// </remarks>
    public static async Task PrepareAsync(HostRole role, DatabaseLogins logins, Action<string> announce, CancellationToken ct)
    {
        if (role == HostRole.Gateway)
        {
            await DatabaseSchema.WaitUntilCurrentAsync(logins.Runtime, announce, ct);
            return;
        }

        if (logins.Owner is { } owner)
        {
            await MigrateAsOwnerAsync(logins, owner, ct);
            return;
        }

        try
        {
            if ((await DatabaseSchema.MissingMigrationsAsync(logins.Runtime, ct)).Count == 0)
            {
                return;
            }

            await DatabaseBootstrap.EnsureDatabaseExistsAsync(logins.Runtime, ct);
            await DatabaseMigrator.MigrateAsync(logins.Runtime, ct);
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            announce($"ConnectionStrings:{DatabaseLogins.RuntimeKey}'s role may not change the schema; waiting for the owner to migrate it.");
            await DatabaseSchema.WaitUntilCurrentAsync(logins.Runtime, announce, ct);
        }
    }

    /// <summary>What the <c>migrate</c> command and a silo with the owner's connection do.</summary>
    public static async Task MigrateAsOwnerAsync(DatabaseLogins logins, string owner, CancellationToken ct)
    {
        await DatabaseBootstrap.EnsureDatabaseExistsAsync(owner, ct);
        await DatabaseMigrator.MigrateAsync(owner, logins.RuntimeRole, ct);
    }
}

using Microsoft.Extensions.Configuration;
using SecretsStore.Persistence;
using SecretsStore.Silo.Hosting;

namespace SecretsStore.Silo.Commands;

/// <summary>
/// <c>migrate</c>: brings the database to this build's schema as the owner role (<c>ConnectionStrings:PostgresOwner</c>)
/// and grants the runtime role (the user of <c>ConnectionStrings:Postgres</c>) what the service needs, as a silo with
/// both connections does at start. For deployments that keep the owner's credentials out of every serving process: run
/// it before starting (or upgrading) the silos, which then wait for it when the schema is behind.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(IConfiguration configuration, TextWriter output, CancellationToken ct)
    {
        var logins = DatabaseLogins.Read(configuration)
            ?? throw new CommandLineException(
                $"{Name} needs ConnectionStrings:{DatabaseLogins.OwnerKey} (the owner, which migrates) and ConnectionStrings:{DatabaseLogins.RuntimeKey} (whose user is granted the runtime's privileges).");

        if (logins.Owner is { } owner)
        {
            await DatabasePreparation.MigrateAsOwnerAsync(logins, owner, ct);
            await output.WriteLineAsync($"The database is at this build's schema; {logins.RuntimeRole} may append to the audit trail and read it, never change it.");
        }
        else
        {
            await DatabaseBootstrap.EnsureDatabaseExistsAsync(logins.Runtime, ct);
            await DatabaseMigrator.MigrateAsync(logins.Runtime, ct);
            await output.WriteLineAsync(
                $"The database is at this build's schema, owned by {logins.RuntimeRole}, the role the service runs as: the audit trail is mutable by the service (ConnectionStrings:{DatabaseLogins.OwnerKey} splits the roles).");
        }

        return OperatorCommands.Done;
    }
}

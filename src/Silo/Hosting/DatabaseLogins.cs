using Microsoft.Extensions.Configuration;
using Npgsql;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// The two PostgreSQL roles of a deployment (deploy/README.md, "Database roles"): the runtime role every serving
/// process connects as (<c>ConnectionStrings:Postgres</c>), which may append to the audit trail but never change or
/// delete it, and the owner role that migrates the schema and prunes the trail (<c>ConnectionStrings:PostgresOwner</c>).
/// Without the owner's connection there is one role for everything, as before the split: it then owns the tables.
/// </summary>
/// <param name="Runtime">What the process serves with.</param>
/// <param name="Owner">What migrations (and the operator's commands) run as; null when not given.</param>
public sealed record DatabaseLogins(string Runtime, string? Owner)
{
    public const string RuntimeKey = "Postgres";
    public const string OwnerKey = "PostgresOwner";

    /// <summary>The runtime's role: the one the owner grants its privileges to.</summary>
    public string RuntimeRole => new NpgsqlConnectionStringBuilder(Runtime).Username
        ?? throw new StartRefusedException($"ConnectionStrings:{RuntimeKey} names no user (Username=…).");

    /// <summary>The configured connection strings; null for a development run (no <c>ConnectionStrings:Postgres</c>).</summary>
    public static DatabaseLogins? Read(IConfiguration configuration)
    {
        var runtime = configuration.GetConnectionString(RuntimeKey);
        var owner = configuration.GetConnectionString(OwnerKey);
        if (string.IsNullOrEmpty(runtime))
        {
            return string.IsNullOrEmpty(owner)
                ? null
                : throw new StartRefusedException(
                    $"ConnectionStrings:{OwnerKey} is set but ConnectionStrings:{RuntimeKey} is not: the service serves with the runtime role's connection (ConnectionStrings:{RuntimeKey}) and migrates with the owner's.");
        }

        return new DatabaseLogins(runtime, string.IsNullOrEmpty(owner) ? null : owner);
    }
}

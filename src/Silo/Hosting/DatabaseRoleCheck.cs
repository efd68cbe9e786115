using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Says at every start when the role the process serves with could bend the audit trail: one role for everything
/// (no <c>ConnectionStrings:PostgresOwner</c>), a superuser, or a member of the owner role. The service works as
/// before; the warning is so that no operator believes the trail append-only when it is not. A gateway given the
/// owner's connection is told that it does not use it.
/// </summary>
internal sealed partial class DatabaseRoleCheck(NpgsqlDataSource db, HostRole role, DatabaseLogins? logins, ILogger<DatabaseRoleCheck> logger) : IHostedService
{
    private const string MutableTrail = """
        SELECT current_user,
               has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE') OR has_table_privilege('audit_log', 'TRUNCATE')
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (role == HostRole.Gateway && logins?.Owner is not null)
        {
            LogOwnerUnused(logger, DatabaseLogins.OwnerKey);
        }

        try
        {
            await using var command = db.CreateCommand(MutableTrail);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetBoolean(1))
            {
                LogMutableTrail(logger, reader.GetString(0), DatabaseLogins.RuntimeKey, DatabaseLogins.OwnerKey);
            }
        }
        catch (NpgsqlException e)
        {
            // The database answered a moment ago (the schema is current); if it does not now, readiness says so.
            LogNotChecked(logger, e.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "The audit trail is mutable by this service: its database role {Role} may UPDATE, DELETE or TRUNCATE audit_log. " +
        "Serve as a runtime role of its own (ConnectionStrings:{RuntimeKey}) and migrate as the owner (ConnectionStrings:{OwnerKey}); see deploy/README.md, \"Database roles\".")]
    private static partial void LogMutableTrail(ILogger logger, string role, string runtimeKey, string ownerKey);

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "A gateway never migrates, so it does not use ConnectionStrings:{OwnerKey}: remove it, so that the owner's password is not held by a process that faces clients.")]
    private static partial void LogOwnerUnused(ILogger logger, string ownerKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The database role's privileges were not checked ({Failure}).")]
    private static partial void LogNotChecked(ILogger logger, string failure);
}

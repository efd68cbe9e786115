using Npgsql;

namespace SecretsStore.Persistence;

/// <summary>
/// Tells the driver's failures apart from bugs, so callers can answer "unavailable" without naming the driver: only
/// this project references it.
/// </summary>
public static class DatabaseFaults
{
    /// <summary>The database could not be reached, or refused or broke off a statement (PostgreSQL errors included).</summary>
    public static bool IsOutage(Exception fault) => fault is NpgsqlException;
}

using Npgsql;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.Security;

/// <summary>
/// Review finding 13, as another local user would try it: the development (and test) PostgreSQL, which listens on
/// 127.0.0.1 and a Unix socket, lets in only a client that has a password kept in its owner-only folder. Before, it
/// trusted every local connection as the superuser. The server here is the shared one of the test run, an
/// <see cref="EmbeddedPostgres"/> like a development run's.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevelopmentPostgresAccessTests
{
    private const string InvalidPassword = "28P01";

    [Theory]
    [InlineData("postgres")]
    [InlineData(EmbeddedPostgres.RuntimeRole)]
    public async Task WithoutThePasswordNoRoleGetsInOverTcpOrTheSocket(string user)
    {
        var server = await SharedPostgres.ServerAsync();
        var tcp = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor("postgres")) { Username = user, Password = null, Pooling = false };
        var socket = new NpgsqlConnectionStringBuilder(tcp.ConnectionString) { Host = server.SocketDirectory };

        foreach (var attempt in new[] { tcp, socket })
        {
            // Npgsql refuses to go on once the server asks for a password it was not given.
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => OpenAsync(attempt.ConnectionString));
            var guessed = new NpgsqlConnectionStringBuilder(attempt.ConnectionString) { Password = "postgres" };
            var wrong = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(guessed.ConnectionString));
            Assert.Equal(InvalidPassword, wrong.SqlState);
        }
    }

    [Fact]
    public async Task ThePasswordsAreInOwnerOnlyFilesOfAnOwnerOnlyFolderAndLetTheirRolesIn()
    {
        var server = await SharedPostgres.ServerAsync();

        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(server.RootDirectory));
        foreach (var file in new[] { EmbeddedPostgres.SuperUserPasswordFile, EmbeddedPostgres.RuntimePasswordFile })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server.RootDirectory, file)));
        }

        await OpenAsync(server.ConnectionStringFor("postgres"));
        await OpenAsync(server.RuntimeConnectionStringFor("postgres"));
    }

    private static async Task OpenAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
    }
}

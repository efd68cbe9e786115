namespace SecretsStore.Silo.Hosting;

/// <summary>
/// What one process of the service runs (<c>SecretsStore:Role</c>). One binary for every role, so that one image,
/// one publish output and one set of settings serve every shape of deployment.
/// </summary>
public enum HostRole
{
    /// <summary>
    /// A silo that also serves the HTTP API: one process, no extra hop. The default. Its API calls the grains in-process,
    /// so it opens no Orleans gateway port unless <c>Orleans:GatewayPort</c> is set.
    /// </summary>
    Combined,

    /// <summary>A silo only. Its HTTP port answers <c>/healthz</c> and <c>/readyz</c> for probes, and nothing else.</summary>
    Silo,

    /// <summary>The HTTP API as an Orleans client that finds the silos through the membership table. Holds no grains and no master key.</summary>
    Gateway,
}

public static class HostRoles
{
    public const string Key = "SecretsStore:Role";

    public static HostRole Parse(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "combined" => HostRole.Combined,
        "silo" => HostRole.Silo,
        "gateway" => HostRole.Gateway,
        var other => throw new InvalidOperationException($"{Key} is '{other}'; it must be combined (the default), silo or gateway."),
    };
}

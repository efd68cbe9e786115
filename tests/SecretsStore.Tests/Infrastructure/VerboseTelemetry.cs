namespace SecretsStore.Tests.Infrastructure;

/// <summary>Settings that make a host say everything it can: every category at Trace, request logs, scopes and traces.</summary>
public static class VerboseTelemetry
{
    /// <summary>
    /// appsettings.json names categories (Microsoft, Orleans, System, Npgsql, …) whose levels a Default would not
    /// override, so each is set here.
    /// </summary>
    public static readonly string[] Args =
    [
        "--Logging:LogLevel:Default=Trace",
        "--Logging:LogLevel:Microsoft=Trace",
        "--Logging:LogLevel:System=Trace",
        "--Logging:LogLevel:Orleans=Trace",
        "--Logging:LogLevel:Npgsql=Trace",
        "--Logging:LogLevel:SecretsStore=Trace",
        "--Logging:LogLevel:Orleans.Runtime.Watchdog=Trace",
        // Off by default (appsettings.json); it logs every request, so it is on here.
        "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Trace",
        "--Logging:Console:IncludeScopes=true",
        "--Logging:Console:FormatterOptions:IncludeScopes=true",
        "--SecretsStore:Logging:Requests=true",
        "--SecretsStore:Tracing:Enabled=true",
    ];
}

using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// Which failures of a start are the starter's to put right, said in one line; anything else is a fault of the service,
/// whose stack trace belongs in the output.
/// </summary>
public static class StartFailures
{
    /// <summary>The one line to print instead of a stack trace, or null for a failure that is not the starter's.</summary>
    public static string? OneLine(Exception failure) => failure switch
    {
        StartRefusedException refused => refused.Message.ReplaceLineEndings(" "),
        OptionsValidationException invalid => $"Settings refused: {string.Join(" ", invalid.Failures)}",
        // Kestrel, when an address it was given was taken between the check before the start and its own bind.
        IOException { InnerException: AddressInUseException } inUse => $"{inUse.Message} Stop what holds it, or set ASPNETCORE_URLS to a free address.",
        UnauthorizedAccessException denied => $"{denied.Message} Check that path's owner and mode: this process runs as {Environment.UserName}.",
        AggregateException { InnerExceptions.Count: > 0 } several when several.InnerExceptions.All(e => OneLine(e) is not null) =>
            string.Join(" ", several.InnerExceptions.Select(e => OneLine(e))),
        _ => null,
    };
}

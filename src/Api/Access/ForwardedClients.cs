using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SecretsStore.Api.Access;

/// <summary>
/// <c>SecretsStore:ForwardedHeaders</c>: the balancers whose <c>X-Forwarded-For</c> names the client. Off unless a
/// proxy or network is set, so that without a balancer no client can choose the address it is limited under.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of the proxies to believe (e.g. <c>10.0.0.5</c>).</summary>
    public string[]? KnownProxies { get; set; }

    /// <summary>Networks of the proxies to believe, in CIDR form (e.g. <c>10.0.0.0/8</c>).</summary>
    public string[]? KnownNetworks { get; set; }

    /// <summary>How many proxy hops to take back from the right of the header; one per trusted proxy in the chain.</summary>
    public int ForwardLimit { get; set; } = 1;

    public bool Enabled => KnownProxies is { Length: > 0 } || KnownNetworks is { Length: > 0 };

    /// <summary>What is wrong with the settings, or null.</summary>
    public string? Problem()
    {
        if (KnownProxies?.FirstOrDefault(p => !IPAddress.TryParse(p, out _)) is { } proxy)
        {
            return $"KnownProxies: '{proxy}' is not an IP address.";
        }

        if (KnownNetworks?.FirstOrDefault(n => !System.Net.IPNetwork.TryParse(n, out _)) is { } network)
        {
            return $"KnownNetworks: '{network}' is not a network in CIDR form (such as 10.0.0.0/8).";
        }

        return ForwardLimit < 1 ? "ForwardLimit must be at least 1." : null;
    }
}

/// <summary>
/// Behind a balancer every request comes from the balancer's address, so the limits kept per client address
/// (<see cref="ClientAddress"/>) would lump every client together. With trusted proxies configured, ASP.NET Core's
/// forwarded-headers middleware takes the client's address from <c>X-Forwarded-For</c>, but only when the
/// connection comes from one of those proxies; the header is ignored from anyone else.
/// </summary>
public static class ForwardedClients
{
    /// <summary>Call first, before anything that reads the client's address.</summary>
    public static IApplicationBuilder UseSecretsStoreForwardedHeaders(this IApplicationBuilder app)
    {
        var settings = app.ApplicationServices.GetRequiredService<IOptions<ApiOptions>>().Value.ForwardedHeaders;
        if (!settings.Enabled)
        {
            return app;
        }

        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = settings.ForwardLimit };
        // The defaults trust loopback; only what the operator named is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in settings.KnownProxies ?? [])
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in settings.KnownNetworks ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return app.UseForwardedHeaders(options);
    }
}

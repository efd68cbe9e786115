using Microsoft.AspNetCore.Builder;
using Orleans.Dashboard;

namespace SecretsStore.Silo.Hosting;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c>, for the operator only (<see cref="OperatorGate"/>). It is
/// unauthenticated by itself and can activate grains, so every request must carry the admin token.
/// </summary>
public static class DashboardAccess
{
    public const string Path = "/dashboard";

    public static WebApplication MapOperatorDashboard(this WebApplication app)
    {
        var gate = OperatorGate.For(app.Services);
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Path), branch => gate.Guard(branch, "SecretsStore dashboard"));
        app.MapOrleansDashboard(Path).ExcludeFromDescription();
        return app;
    }
}

using Microsoft.Extensions.Hosting;
using SecretsStore.Silo.Commands;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;

if (OperatorCommands.Handles(args))
{
    // migrate, audit-prune: run with the owner's credentials, then exit, serving nothing.
    return await OperatorCommands.RunAsync(args, Console.Out, Console.Error);
}

SecretsStoreApp app;
try
{
    app = await SecretsStoreApp.CreateAsync(args, Console.WriteLine);
}
catch (DataFolderInUseException inUse)
{
    // One line and a failing exit code, having touched nothing: the running instance keeps running.
    Console.Error.WriteLine(inUse.Message);
    return 1;
}

await using (app)
{
    app.Web.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(StartupBanner.Describe(app)));
    await app.Web.RunAsync();
}

return 0;

using Microsoft.Extensions.Hosting;
using SecretsStore.Silo.Commands;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Development;
using SecretsStore.Silo.Hosting.Transport;

// `cluster-certificates FOLDER`: makes (or keeps) a cluster CA and certificate there and exits; compose's one-shot
// init runs it, so a cluster needs no tool but its own image to get its certificates.
if (args is [ClusterCertificateFiles.Command, var folder])
{
    ClusterCertificateFiles.Ensure(folder, "secretsstore", Console.WriteLine);
    Console.WriteLine($"Cluster certificates in {Path.GetFullPath(folder)}: {ClusterCertificateFiles.CaFileName}, {ClusterCertificateFiles.CertificateFileName}, {ClusterCertificateFiles.KeyFileName}.");
    return 0;
}

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

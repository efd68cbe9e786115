using Microsoft.Extensions.Hosting;
using SecretsStore.Silo.Commands;
using SecretsStore.Silo.Hosting;
using SecretsStore.Silo.Hosting.Transport;

// `cluster-certificates FOLDER`: makes (or keeps) a cluster CA and certificate there and exits; compose's one-shot
// init runs it, so a cluster needs no tool but its own image to get its certificates.
if (args is [ClusterCertificateFiles.Command, var folder])
{
    ClusterCertificateFiles.Ensure(folder, "secretsstore", Console.WriteLine);
    Console.WriteLine($"Cluster certificates in {Path.GetFullPath(folder)}: {ClusterCertificateFiles.CaFileName}, {ClusterCertificateFiles.CertificateFileName}, {ClusterCertificateFiles.KeyFileName}.");
    return 0;
}

// `free-ports PORT...`: free loopback ports for scripts/cluster.sh's processes.
if (args is [PortPicker.Command, .. var wanted])
{
    return PortPicker.RunCommand(wanted, Console.Out, Console.Error);
}

if (OperatorCommands.Handles(args))
{
    // migrate, audit-prune: run with the owner's credentials, then exit, serving nothing.
    return await OperatorCommands.RunAsync(args, Console.Out, Console.Error);
}

// A start refused for something the starter can put right (a data folder in use, a port taken, a setting, a file) says
// so in one line and exits 1, having stopped whatever it had started; a running instance it met keeps running.
SecretsStoreApp app;
try
{
    app = await SecretsStoreApp.CreateAsync(args, Console.WriteLine);
}
catch (Exception refused) when (StartFailures.OneLine(refused) is { } line)
{
    Console.Error.WriteLine(line);
    return 1;
}

var started = false;
await using (app)
{
    var lifetime = app.Web.Lifetime;
    lifetime.ApplicationStarted.Register(() =>
    {
        started = true;
        Console.WriteLine(StartupBanner.Describe(app));
        lifetime.ApplicationStopping.Register(() => Console.WriteLine(StartupBanner.Stopping(app)));
    });
    try
    {
        await app.Web.RunAsync();
    }
    catch (Exception refused) when (StartFailures.OneLine(refused) is { } line)
    {
        Console.Error.WriteLine(line);
        return 1;
    }
}

// After the host and, in a development run, its PostgreSQL have stopped.
if (started)
{
    Console.WriteLine(StartupBanner.Stopped(app));
}

return 0;

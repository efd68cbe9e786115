using Microsoft.Extensions.Hosting;
using SecretsStore.Silo.Hosting;

await using var app = await SecretsStoreApp.CreateAsync(args, Console.WriteLine);
app.Web.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(StartupBanner.Describe(app)));
await app.Web.RunAsync();

using SecretsStore.Tests.Infrastructure;

namespace SecretsStore.Tests.OpenApi;

/// <summary>A real OpenAPI linter (Redocly CLI, recommended rules) finds no error in the published document.</summary>
[Collection(Infrastructure.AppCollection.Name)]
public sealed class OpenApiLintTests(AppFixture app)
{
    [Fact]
    public async Task TheDocumentPassesTheRedoclyLinterWithoutErrors()
    {
        var document = Path.Combine(Path.GetTempPath(), $"secretsstore-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await app.Http.GetStringAsync("/openapi/v1.json"));
        try
        {
            var lint = await NodeProcess.RunAsync(
                "node",
                ["node_modules/@redocly/cli/bin/cli.js", "lint", document, "--format=stylish"],
                new Dictionary<string, string> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
                TimeSpan.FromMinutes(2));
            Assert.True(lint.ExitCode == 0, $"redocly lint found errors:\n{lint.Output}");
            Assert.Contains("valid", lint.Output);
        }
        finally
        {
            File.Delete(document);
        }
    }
}

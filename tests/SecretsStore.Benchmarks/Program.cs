using SecretsStore.Benchmarks;

// Usage: dotnet run -c Release --project tests/SecretsStore.Benchmarks -- [--smoke] [--only NAME[,NAME...]]
var smoke = args.Contains("--smoke");
var onlyIndex = Array.IndexOf(args, "--only");
var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1].Split(',') : null;
var rows = await BenchmarkRun.RunAsync(smoke, only, Console.WriteLine);
Console.WriteLine();
Console.WriteLine(Report.Markdown(rows));

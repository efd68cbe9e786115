using System.Globalization;

namespace SecretsStore.Benchmarks.Scenarios.StorageDesigns;

/// <summary>How the scenario's figures are written in the table.</summary>
internal static class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond) => string.Create(Invariant, $"{perSecond:N0}/s");

    public static string Time(TimeSpan time) => time.TotalMilliseconds < 10
        ? string.Create(Invariant, $"{time.TotalMilliseconds:0.00} ms")
        : string.Create(Invariant, $"{time.TotalMilliseconds:N0} ms");

    public static string Bytes(double bytes) => bytes < 10_000
        ? string.Create(Invariant, $"{bytes:N0} B")
        : string.Create(Invariant, $"{bytes / 1024:N1} kB");

    public static string Ratio(double ratio) => string.Create(Invariant, $"{ratio:0.00}");

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

using System.Globalization;

namespace SecretsStore.Benchmarks.Tools;

/// <summary>Medians and the way figures are written in the table.</summary>
public static class Figures
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static TimeSpan Median(IEnumerable<TimeSpan> values) => TimeSpan.FromTicks((long)Median(values.Select(v => (double)v.Ticks)));

    public static string Rate(double perSecond, string unit = "req/s") => $"{perSecond.ToString("N0", CultureInfo.InvariantCulture)} {unit}";

    public static string Time(TimeSpan time) => time.TotalMilliseconds switch
    {
        < 1 => $"{time.TotalMicroseconds.ToString("N0", CultureInfo.InvariantCulture)} µs",
        < 1000 => $"{time.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture)} ms",
        _ => $"{time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s",
    };

    public static string Ratio(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Bytes(double bytes) => bytes switch
    {
        < 10_000 => $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} B",
        < 10_000_000 => $"{(bytes / 1024).ToString("N0", CultureInfo.InvariantCulture)} KiB",
        _ => $"{(bytes / 1024 / 1024).ToString("N1", CultureInfo.InvariantCulture)} MiB",
    };
}

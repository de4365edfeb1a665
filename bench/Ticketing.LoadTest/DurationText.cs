using System.Globalization;

namespace Ticketing.LoadTest;

/// <summary>Durations on the benchmarks' command lines (shared with Ticketing.LiveBench, which links this file).</summary>
public static class DurationText
{
    /// <summary>"20s", "1m", "500ms", or plain seconds.</summary>
    public static TimeSpan Parse(string value)
    {
        if (value.EndsWith("ms", StringComparison.Ordinal))
        {
            return TimeSpan.FromMilliseconds(double.Parse(value[..^2], CultureInfo.InvariantCulture));
        }

        return value[^1] switch
        {
            's' => TimeSpan.FromSeconds(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
            'm' => TimeSpan.FromMinutes(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
            _ => TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)),
        };
    }
}

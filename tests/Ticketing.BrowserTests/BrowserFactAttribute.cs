namespace Ticketing.BrowserTests;

/// <summary>
/// A test that needs Debian's chromium: skipped, saying how to get it, on a machine without it (so that `dotnet test`
/// passes on a fresh machine), except under CI=true, where a missing browser fails the test.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public static bool BrowserPresent => File.Exists(BoxOfficeFixture.ChromiumPath);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public BrowserFactAttribute()
    {
        if (!BrowserPresent && !IsCi)
        {
            Skip = $"No chromium at {BoxOfficeFixture.ChromiumPath}: `apt-get install chromium` to run the browser tests.";
        }
    }
}

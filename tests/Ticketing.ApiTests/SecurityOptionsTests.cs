using Microsoft.AspNetCore.Hosting;
using Ticketing.Api.Infrastructure;
using Ticketing.Api.Security;
using Ticketing.Hosting.Options;

namespace Ticketing.ApiTests;

/// <summary>The security settings are checked like every other: each wrong value is named by its key.</summary>
public sealed class SecurityOptionsTests
{
    private static IReadOnlyList<string> Failures<T>(T options, string section) where T : class =>
        new ConfigurationSectionValidator<T>(section).Failures(options);

    [Fact]
    public void Jwt_options_need_a_key_or_an_authority()
    {
        Assert.Contains("Jwt:SigningKey or Jwt:Authority", Assert.Single(Failures(new JwtOptions(), JwtOptions.SectionName)));
        Assert.Empty(Failures(new JwtOptions { SigningKey = new string('k', 32) }, JwtOptions.SectionName));
        Assert.Empty(Failures(new JwtOptions { Authority = "https://login.example.com/realms/tickets" }, JwtOptions.SectionName));
    }

    [Theory]
    [InlineData("short-key", null, "Jwt:SigningKey")]
    [InlineData(null, "http://login.example.com", "Jwt:Authority")]
    [InlineData(null, "not a url", "Jwt:Authority")]
    public void A_weak_key_or_an_insecure_authority_is_refused_naming_its_key(string? key, string? authority, string named) =>
        Assert.Contains(named, Assert.Single(Failures(new JwtOptions { SigningKey = key, Authority = authority }, JwtOptions.SectionName)));

    [Fact]
    public void Jwt_lifetimes_and_issuer_are_checked()
    {
        var failures = Failures(new JwtOptions { SigningKey = new string('k', 32), Issuer = "", DevelopmentTokenLifetime = TimeSpan.Zero }, JwtOptions.SectionName);

        Assert.Contains(failures, f => f.Contains("Jwt:Issuer", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Jwt:DevelopmentTokenLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Rate_limits_must_be_positive_and_windows_bounded()
    {
        Assert.Empty(Failures(new RateLimitOptions(), RateLimitOptions.SectionName));
        var failures = Failures(new RateLimitOptions { CustomerPermits = 0, AnonymousReadWindow = TimeSpan.FromHours(2) }, RateLimitOptions.SectionName);

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.Contains("RateLimits:CustomerPermits", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("RateLimits:AnonymousReadWindow", StringComparison.Ordinal));
    }

    [Fact]
    public void Event_caps_are_checked()
    {
        Assert.Empty(Failures(new BookingOptions(), BookingOptions.SectionName));
        var failures = Failures(new BookingOptions { MaxSeatsPerEvent = 0, MaxSectionsPerEvent = 1001, MaxSeatMapPageSeats = 10 }, BookingOptions.SectionName);

        Assert.Equal(3, failures.Count);
    }

    private sealed class KeylessProductionFactory : TicketingApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting("Jwt:SigningKey", "");
        }
    }

    [Fact]
    public void Outside_development_without_a_key_or_authority_the_api_does_not_start()
    {
        using var factory = new KeylessProductionFactory();

        var failure = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(failure);
        Assert.Contains("Jwt:SigningKey or Jwt:Authority", failure.ToString(), StringComparison.Ordinal);
    }
}

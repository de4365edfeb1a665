using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Ticketing.Api.Security;

namespace Ticketing.ApiTests;

/// <summary>Tokens the API must refuse (401 problem+json with WWW-Authenticate), and the development tokens it issues.</summary>
public sealed class TokenTests(TicketingApiFactory factory) : IClassFixture<TicketingApiFactory>
{
    private static string Sign(string key, string issuer = "ticketing", string audience = "ticketing-api", DateTime? expires = null, DateTime? notBefore = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = new[] { "admin" } },
            IssuedAt = (notBefore ?? TicketingApiFactory.Start.UtcDateTime).AddMinutes(-1),
            NotBefore = notBefore ?? TicketingApiFactory.Start.UtcDateTime.AddMinutes(-1),
            Expires = expires ?? TicketingApiFactory.Start.UtcDateTime.AddDays(365),
            SigningCredentials = new SigningCredentials(TokenIssuer.KeyFrom(key), SecurityAlgorithms.HmacSha256),
        });

    private async Task<HttpResponseMessage> CreateEventWithAsync(string? token)
    {
        using var client = factory.CreateAnonymousClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = JsonContent.Create(Api.Event()) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    public static TheoryData<string> ForgedTokens() =>
    [
        Sign("another-key-that-is-long-enough-0123456789"),
        Sign(TicketingApiFactory.SigningKey, issuer: "someone-else"),
        Sign(TicketingApiFactory.SigningKey, audience: "another-api"),
        Sign(TicketingApiFactory.SigningKey)[..^4] + "AAAA",
        "not-a-jwt",
        // Unsigned ("alg": "none") with the same claims.
        new JsonWebTokenHandler().CreateToken(JsonSerializer.Serialize(new { sub = "mallory", role = new[] { "admin" }, iss = "ticketing", aud = "ticketing-api", exp = 4_000_000_000 })),
    ];

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task A_forged_or_foreign_token_is_a_401_that_says_the_token_is_invalid(string token)
    {
        var response = await CreateEventWithAsync(token);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("invalid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_token_is_a_401_that_asks_for_a_bearer_token()
    {
        var response = await CreateEventWithAsync(null);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_token_is_refused_once_it_expired_and_before_it_is_valid_on_the_hosts_clock()
    {
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var expired = Sign(TicketingApiFactory.SigningKey, expires: now.AddMinutes(-5), notBefore: now.AddHours(-2));
        var early = Sign(TicketingApiFactory.SigningKey, notBefore: now.AddHours(1), expires: now.AddHours(2));
        var good = Sign(TicketingApiFactory.SigningKey, notBefore: now.AddMinutes(-1), expires: now.AddMinutes(10));

        await (await CreateEventWithAsync(expired)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await CreateEventWithAsync(early)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, (await CreateEventWithAsync(good)).StatusCode);
    }

    [Fact]
    public async Task A_development_token_works_until_it_expires()
    {
        using var anonymous = factory.CreateAnonymousClient();
        var issued = await anonymous.PostAsJsonAsync("/api/dev/tokens", new { subject = "olga@example.com", roles = new[] { "organizer" } });
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());
        Assert.Equal(["accessToken", "tokenType", "expiresIn"], body.EnumerateObject().Select(p => p.Name));
        var token = body.GetProperty("accessToken").GetString()!;

        Assert.Equal(HttpStatusCode.Created, (await CreateEventWithAsync(token)).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(3600 + 31));
        await (await CreateEventWithAsync(token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{\"roles\":[\"customer\"]}", "subject")]
    [InlineData("{\"subject\":\"a@example.com\",\"roles\":[]}", "roles")]
    [InlineData("{\"subject\":\"a@example.com\",\"roles\":[\"root\"]}", "roles[0]")]
    public async Task A_bad_development_token_request_is_a_400_naming_the_field(string json, string field)
    {
        using var anonymous = factory.CreateAnonymousClient();
        var response = await anonymous.PostAsync("/api/dev/tokens", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}

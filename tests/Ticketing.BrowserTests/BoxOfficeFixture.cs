using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Ticketing.BrowserTests;

/// <summary>
/// The whole system on the embedded default as its own process, on a real port a browser can reach (TestServer has
/// no socket), and Debian's chromium driven by Playwright (its own browser download is never used).
/// </summary>
public sealed class BoxOfficeFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/lib/chromium/chromium";

    private readonly StringBuilder _output = new();
    private Process? _api;
    private IPlaywright? _playwright;

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ticketing.Orleans.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Ticketing.Orleans.sln not found above the test binaries.");
        }
    }

    public async Task InitializeAsync()
    {
        if (!BrowserFactAttribute.BrowserPresent)
        {
            // Every test is skipped; under CI=true they must run, so they fail saying why.
            if (BrowserFactAttribute.IsCi)
            {
                throw new InvalidOperationException($"CI=true but there is no chromium at {ChromiumPath}: the browser tests must run in CI (apt-get install chromium).");
            }

            return;
        }

        var bin = new DirectoryInfo(AppContext.BaseDirectory);
        var dll = Path.Combine(Root, "src", "Api", "bin", bin.Parent!.Name, bin.Name, "Ticketing.Api.dll");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.Combine(Root, "src", "Api") };
        foreach (var arg in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Ticketing"] = "";
        start.Environment["RateLimits__CustomerPermits"] = "100000";
        start.Environment["RateLimits__AnonymousReadPermits"] = "100000";
        start.Environment["RateLimits__TokenPermits"] = "100000";
        _api = new Process { StartInfo = start };
        _api.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _api.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _api.Start();
        _api.BeginOutputReadLine();
        _api.BeginErrorReadLine();

        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                if ((await Http.GetAsync("/api/ping")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (_api.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("The API did not start:\n" + Output);
            }

            await Task.Delay(200);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A development token (POST /api/dev/tokens).</summary>
    public async Task<string> TokenAsync(string subject, string role)
    {
        var response = await Http.PostAsJsonAsync("/api/dev/tokens", new { subject, roles = new[] { role } });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>Creates and publishes an event as an organizer, through the API.</summary>
    public async Task<string> PublishedEventAsync(string name, object? waitingRoom = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events")
        {
            Content = JsonContent.Create(new
            {
                name, venue = "Browser Hall", startsAt = "2027-03-01T19:00:00Z", currency = "EUR", holdSeconds = 600, waitingRoom,
                sections = new[] { new { id = "A", name = "Floor", rows = 8, seatsPerRow = 16, price = 25m } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("olga@example.com", "organizer"));
        var created = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/events/{id}/publish");
        publish.Headers.Authorization = request.Headers.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(publish)).StatusCode);
        return id;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_api is { HasExited: false })
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
        }

        _api?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

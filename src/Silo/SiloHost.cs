using Microsoft.Extensions.Hosting;

namespace Ticketing.Silo;

/// <summary>The headless silo process: grains only, no HTTP API.</summary>
public static class SiloHost
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.UseOrleans(silo => silo.AddTicketingSilo(builder.Configuration));
        await builder.Build().RunAsync();
    }
}

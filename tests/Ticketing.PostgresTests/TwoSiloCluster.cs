using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>A fresh database, two silo processes and the API as their Orleans client, with fast failure detection.</summary>
internal sealed class TwoSiloCluster : IAsyncDisposable
{
    private TwoSiloCluster(TestDatabase database, HostProcess silo1, HostProcess silo2, HostProcess api, HttpClient http)
    {
        (Database, Silo1, Silo2, Api, Http) = (database, silo1, silo2, api, http);
    }

    public TestDatabase Database { get; }

    public HostProcess Silo1 { get; }

    public HostProcess Silo2 { get; }

    public HostProcess Api { get; }

    public HttpClient Http { get; }

    public static async Task<TwoSiloCluster> StartAsync()
    {
        var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        var silo1 = HostProcess.StartSilo("silo1", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        var silo2 = HostProcess.StartSilo("silo2", database.ConnectionString, HostProcess.FreePort(), HostProcess.FreePort(), HostProcess.FastFailureDetection);
        var httpPort = HostProcess.FreePort();
        var api = HostProcess.StartApi(database.ConnectionString, httpPort, 0, 0, ["--Orleans:Mode=Client", .. HostProcess.FastFailureDetection]);
        var cluster = new TwoSiloCluster(database, silo1, silo2, api, Ticketing.PostgresTests.Http.Client(httpPort));
        try
        {
            await silo1.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
            await silo2.WaitForOutputAsync("Orleans Silo started", TimeSpan.FromSeconds(90));
            await api.WaitUntilServingAsync(cluster.Http, TimeSpan.FromSeconds(90));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Silo1.DisposeAsync();
        await Silo2.DisposeAsync();
        await Database.DisposeAsync();
    }
}

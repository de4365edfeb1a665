using Npgsql;

namespace Ticketing.Hosting.Events;

/// <summary>
/// The connections the event log's readers and writers (the feed, the dispatchers, the search projection) share:
/// a pool of its own, small, so that it fits the hosts' connection budget (see PostgresPoolOptions).
/// </summary>
public sealed class EventLogDataSource(string connectionString) : IAsyncDisposable
{
    public const int MaxPoolSize = 2;

    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}

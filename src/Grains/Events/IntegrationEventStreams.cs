using Orleans.Runtime;
using Orleans.Streams;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Events;

/// <summary>
/// Which Orleans stream an integration event travels on: one stream per ticketing event and kind of fact, keyed by
/// the event's id. Sales (booking.*, ticket.*) and the catalogue (event.*) are separate namespaces, so a consumer
/// of one (live availability, a sales projection) is not woken by the other.
/// </summary>
public static class IntegrationEventStreams
{
    public const string Sales = "event-sales";
    public const string Catalog = "event-catalog";

    /// <summary>The stream of <paramref name="e"/>, or null for a row that names no ticketing event (recorded before they did).</summary>
    public static StreamId? For(IntegrationEvent e) => e.EventId == Guid.Empty
        ? null
        : IntegrationEventTypes.IsCatalog(e.Type) ? StreamId.Create(Catalog, e.EventId) : SalesOf(e.EventId);

    public static StreamId SalesOf(Guid eventId) => StreamId.Create(Sales, eventId);
}

/// <summary>A position in the integration event log as an Orleans stream sequence token: ordered as the log is read.</summary>
[GenerateSerializer, Immutable, Alias("LogSequenceToken")]
public sealed class LogSequenceToken : StreamSequenceToken
{
    public LogSequenceToken(LogCursor cursor) => (Transaction, SequenceNumber) = (cursor.Transaction, cursor.Position);

    /// <summary>For the serializer.</summary>
    public LogSequenceToken()
    {
    }

    /// <summary>The inserting transaction's id: the log's first ordering key (see <see cref="IIntegrationEventLog"/>).</summary>
    [Id(0)]
    public long Transaction { get; private set; }

    /// <summary>The row's position, the second ordering key.</summary>
    [Id(1)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>Always 0: a log row holds one event.</summary>
    [Id(2)]
    public override int EventIndex { get; protected set; }

    public LogCursor Cursor => new(Transaction, SequenceNumber);

    public override bool Equals(StreamSequenceToken? other) =>
        other is LogSequenceToken token && token.Transaction == Transaction && token.SequenceNumber == SequenceNumber;

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override int GetHashCode() => HashCode.Combine(Transaction, SequenceNumber);

    public override int CompareTo(StreamSequenceToken? other) => other switch
    {
        null => 1,
        LogSequenceToken token => Cursor.CompareTo(token.Cursor),
        _ => throw new ArgumentOutOfRangeException(nameof(other), other, "Only log positions compare with log positions."),
    };

    public override string ToString() => $"log({Transaction}, {SequenceNumber})";
}

/// <summary>One row of the integration event log as delivered on its stream.</summary>
[GenerateSerializer, Immutable, Alias("LogBatchContainer")]
public sealed record LogBatchContainer(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] IntegrationEvent Event,
    [property: Id(2)] LogSequenceToken Token) : IBatchContainer
{
    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Event is T typed ? [Tuple.Create(typed, (StreamSequenceToken)Token)] : [];

    public bool ImportRequestContext() => false;
}

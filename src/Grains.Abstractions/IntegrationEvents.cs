using System.Security.Cryptography;
using System.Text;

namespace Ticketing.Grains.Abstractions;

/// <summary>
/// One fact published to the outside (the feed, webhooks, notifications, the search projection): what happened
/// (<see cref="Type"/>, dotted: "booking.confirmed"), when, to which aggregate (a booking, an event, a ticket), the
/// aggregate's own running number for it, and a JSON payload. <see cref="Id"/> is fixed when the event is first
/// appended, so a retried recording or delivery carries the same id. <see cref="EventId"/> is the ticketing event
/// (the concert, the match) the fact belongs to: the key of the Orleans stream it travels on; empty in rows recorded
/// before it existed.
/// </summary>
[GenerateSerializer, Immutable, Alias("IntegrationEvent")]
public sealed record IntegrationEvent(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string AggregateId,
    [property: Id(4)] long Sequence,
    [property: Id(5)] string Payload,
    [property: Id(6)] Guid EventId = default)
{
    /// <summary>
    /// An event whose id is derived from (aggregate id, sequence): the same aggregate's same step always has the same
    /// id, whoever appends it and however often.
    /// </summary>
    public static IntegrationEvent Create(string type, DateTimeOffset occurredAt, string aggregateId, long sequence, string payload, Guid eventId = default) =>
        new(IdFor(aggregateId, sequence), type, occurredAt, aggregateId, sequence, payload, eventId);

    /// <summary>A name-based UUID (version 8 layout) from SHA-256 of "aggregate/sequence".</summary>
    public static Guid IdFor(string aggregateId, long sequence)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{aggregateId}/{sequence}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>The event types, as they appear in the feed, webhooks and the README's table.</summary>
public static class IntegrationEventTypes
{
    /// <summary>A booking's transition (booking.*): its payload is a booking's.</summary>
    public static bool IsBooking(string type) => type.StartsWith("booking.", StringComparison.Ordinal);

    /// <summary>A change of a ticketing event itself (event.*): its payload is an event's.</summary>
    public static bool IsCatalog(string type) => type.StartsWith("event.", StringComparison.Ordinal);

    public const string BookingHeld = "booking.held";
    public const string BookingConfirmed = "booking.confirmed";
    public const string BookingFailed = "booking.failed";
    public const string BookingReleased = "booking.released";
    public const string BookingExpired = "booking.expired";
    public const string BookingCancelled = "booking.cancelled";
    public const string BookingRefunded = "booking.refunded";
    public const string TicketCheckedIn = "ticket.checked_in";
    public const string EventCreated = "event.created";
    public const string EventChanged = "event.changed";
    public const string EventPublished = "event.published";
    public const string EventCancelled = "event.cancelled";

    public static readonly IReadOnlyList<string> All =
    [
        BookingHeld, BookingConfirmed, BookingFailed, BookingReleased, BookingExpired, BookingCancelled, BookingRefunded,
        TicketCheckedIn, EventCreated, EventChanged, EventPublished, EventCancelled,
    ];

    public static string For(BookingEventKind kind) => kind switch
    {
        BookingEventKind.BookingHeld => BookingHeld,
        BookingEventKind.BookingConfirmed => BookingConfirmed,
        BookingEventKind.PaymentFailed => BookingFailed,
        BookingEventKind.BookingReleased => BookingReleased,
        BookingEventKind.BookingExpired => BookingExpired,
        BookingEventKind.BookingCancelled => BookingCancelled,
        BookingEventKind.BookingRefunded => BookingRefunded,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No integration event type for this booking event."),
    };
}

/// <summary>
/// Grain state with an outbox: events appended in the same turn as the change that caused them, recorded by the grain
/// storage when (PostgreSQL group commit: in the same transaction as) the state is written. Recorded events leave
/// <see cref="Outbox"/>, so the next write does not carry them again.
/// </summary>
public interface IHasOutbox
{
    List<IntegrationEvent> Outbox { get; }

    /// <summary>The sequence number of the aggregate's last integration event.</summary>
    long EventSequence { get; set; }
}

public static class OutboxExtensions
{
    /// <summary>
    /// Appends the aggregate's next integration event to the outbox, to be recorded with the next write;
    /// <paramref name="eventId"/> is the ticketing event it belongs to.
    /// </summary>
    public static IntegrationEvent AppendEvent(this IHasOutbox state, string aggregateId, Guid eventId, string type, DateTimeOffset at, string payload)
    {
        var recorded = IntegrationEvent.Create(type, at, aggregateId, ++state.EventSequence, payload, eventId);
        state.Outbox.Add(recorded);
        return recorded;
    }
}

/// <summary>A position in the integration event log, opaque to callers (see <see cref="IIntegrationEventLog"/>).</summary>
public readonly record struct LogCursor(long Transaction, long Position) : IComparable<LogCursor>
{
    public static readonly LogCursor Start = new(0, 0);

    /// <summary>Log order: by transaction, then position.</summary>
    public int CompareTo(LogCursor other) => (Transaction, Position).CompareTo((other.Transaction, other.Position));

    public string Encode() => Convert.ToBase64String(Encoding.ASCII.GetBytes($"v1.{Transaction}.{Position}"))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string? text, out LogCursor cursor)
    {
        cursor = Start;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        try
        {
            var padded = text.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split('.');
            if (parts is ["v1", var tx, var position] && long.TryParse(tx, out var t) && long.TryParse(position, out var p) && t >= 0 && p >= 0)
            {
                cursor = new LogCursor(t, p);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }
}

/// <summary>An event as read back from the log, with the cursor just after it.</summary>
public sealed record LoggedEvent(IntegrationEvent Event, LogCursor Cursor);

/// <summary>
/// The durable record of integration events, in the order consumers read them. Reading is at-least-once friendly:
/// a consumer keeps the cursor of the last event it handled and reads on from there after any restart.
/// </summary>
public interface IIntegrationEventLog
{
    /// <summary>Records events; an id recorded before is skipped (so retries are harmless).</summary>
    Task AppendAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> events after <paramref name="after"/>, in log order, never skipping one committed later.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAsync(LogCursor after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The cursor after the last event a reader could be served now: where a new consumer starts.</summary>
    Task<LogCursor> GetEndAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Copies the integration event log onto a stream provider that does not read the log itself (keyed by the provider's
/// name): one per cluster, so each event is published once. Every silo wakes it now and then; it keeps itself running.
/// </summary>
[Alias("IEventStreamRelayGrain")]
public interface IEventStreamRelayGrain : IGrainWithStringKey
{
    [Alias("Wake")]
    Task Wake();
}

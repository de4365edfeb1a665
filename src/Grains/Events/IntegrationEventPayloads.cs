using System.Text.Json;
using System.Text.Json.Serialization;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Grains.Events;

/// <summary>The payload of every booking.* event: the booking as it stands after the transition.</summary>
public sealed record BookingPayload(
    Guid BookingId,
    Guid EventId,
    string Status,
    string Email,
    string? CustomerId,
    IReadOnlyList<string> Seats,
    string? Section,
    int Quantity,
    decimal Amount,
    string Currency,
    string? Reason,
    IReadOnlyList<TicketPayload> Tickets);

public sealed record TicketPayload(Guid TicketId, string Seat, string Code);

/// <summary>The payload of every event.* event: the event's summary after the change.</summary>
public sealed record EventPayload(
    Guid EventId,
    string Name,
    string? Description,
    string Venue,
    DateTimeOffset StartsAt,
    string Status,
    string? OwnerId,
    DateTimeOffset CreatedAt);

/// <summary>The payload of ticket.checked_in: which ticket entered where and when (an offline scan: when it was scanned).</summary>
public sealed record TicketCheckedInPayload(Guid TicketId, Guid EventId, Guid BookingId, string Seat, string Gate, string StaffId, DateTimeOffset CheckedInAt, bool Offline);

/// <summary>How payloads are written (camelCase JSON) and read back by consumers in this repository.</summary>
public static class IntegrationEventPayloads
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string ForBooking(Guid bookingId, BookingState booking) => JsonSerializer.Serialize(new BookingPayload(
        bookingId, booking.EventId, booking.Status.ToString(), booking.Email, booking.CustomerId, booking.Seats, booking.Section, booking.Quantity,
        booking.Total.Amount, booking.Total.Currency, booking.Reason,
        booking.Tickets.Select(t => new TicketPayload(t.Id, t.Seat, t.Code)).ToList()), Json);

    public static string ForEvent(Guid eventId, EventState state) => JsonSerializer.Serialize(new EventPayload(
        eventId, state.Definition!.Name, state.Definition.Description, state.Definition.Venue, state.Definition.StartsAt,
        state.Status.ToString(), state.OwnerId, state.CreatedAt), Json);

    public static string ForCheckIn(Guid ticketId, CheckinRequest request, TicketAdmission admission) => JsonSerializer.Serialize(new TicketCheckedInPayload(
        ticketId, request.EventId, request.BookingId, request.Seat, admission.Gate, admission.StaffId, admission.At, admission.Nonce is not null), Json);

    public static BookingPayload? ReadBooking(string payload) => JsonSerializer.Deserialize<BookingPayload>(payload, Json);

    public static EventPayload? ReadEvent(string payload) => JsonSerializer.Deserialize<EventPayload>(payload, Json);
}

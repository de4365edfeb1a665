using System.Security.Cryptography;
using System.Text;
using Ticketing.Api.Contracts;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Routing;

/// <summary>Why a valid-looking booking request cannot be routed: an HTTP status and a sentence for the client.</summary>
public sealed record RoutingError(int StatusCode, string Title, string Detail);

/// <summary>
/// Turns a validated booking request into a plan against the event's layout: which blocks hold which seats,
/// or which blocks may serve a best-available quantity. This is what keeps the event grain off the hold path.
/// </summary>
public static class BookingRouter
{
    public static (BookingPlan? Plan, RoutingError? Error) Plan(EventLayout layout, CreateBookingRequest request)
    {
        var email = request.Email!.Trim();
        return request.Seats is { } seats
            ? PlanSpecificSeats(layout, email, seats!)
            : PlanBestAvailable(layout, email, request.Section!, request.Quantity!.Value);
    }

    /// <summary>
    /// The booking id for a request that carries an Idempotency-Key: the same customer's key on the same event always
    /// names the same booking grain, which then answers the retry itself; another customer's same key names another.
    /// </summary>
    public static Guid BookingIdFor(Guid eventId, string customerId, string idempotencyKey)
    {
        // Lengths first, so that no (customer, key) pair can be shifted into another one.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{eventId:N}:{customerId.Length}:{customerId}:{idempotencyKey}"));
        return new Guid(hash.AsSpan(0, 16));
    }

    private static (BookingPlan?, RoutingError?) PlanSpecificSeats(EventLayout layout, string email, List<string> seatIds)
    {
        var bySeatBlock = new Dictionary<BlockDefinition, List<SeatPosition>>();
        var canonical = new List<string>(seatIds.Count);
        var sections = new HashSet<SectionLayout>();
        decimal total = 0;
        foreach (var seatId in seatIds)
        {
            SeatId.TryParse(seatId, out var sectionId, out var position);
            var section = layout.FindSection(sectionId);
            if (section is null)
            {
                return (null, NotFound($"Seat {seatId}: section '{sectionId}' does not exist in this event."));
            }

            if (section.Section.Kind == SectionKind.GeneralAdmission)
            {
                return (null, new RoutingError(StatusCodes.Status400BadRequest, "Invalid booking request",
                    $"Section {section.Section.Id} is general admission: book it with section and quantity, not seats."));
            }

            var block = section.BlockForRow(position.Row);
            if (block is null || position.Number > section.Section.SeatsPerRow)
            {
                return (null, NotFound($"Seat {seatId} does not exist: section {section.Section.Id} has rows 1-{section.Section.Rows} and seats 1-{section.Section.SeatsPerRow} per row."));
            }

            if (!bySeatBlock.TryGetValue(block, out var positions))
            {
                bySeatBlock[block] = positions = [];
            }

            positions.Add(position);
            canonical.Add(position.ToSeatId(section.Section.Id));
            sections.Add(section);
            total += section.Section.Price;
        }

        canonical.Sort(StringComparer.Ordinal);
        var plan = new BookingPlan(
            layout.EventId,
            email,
            Fingerprint(email, string.Join(',', canonical)),
            layout.HoldDuration,
            new Money(total, layout.Currency),
            sections.Count == 1 ? sections.First().Section.Id : null,
            canonical.Count,
            bySeatBlock.Select(kv => new BlockSeats(kv.Key, kv.Value)).ToList(),
            []);
        return (plan, null);
    }

    private static (BookingPlan?, RoutingError?) PlanBestAvailable(EventLayout layout, string email, string sectionId, int quantity)
    {
        var section = layout.FindSection(sectionId.Trim());
        if (section is null)
        {
            return (null, NotFound($"Section '{sectionId}' does not exist in this event."));
        }

        // Seated sections fill from the front rows; general-admission shards are all alike, so each request starts
        // at a random shard and concurrent buyers spread over them instead of queueing on the first.
        var candidates = section.Section.Kind == SectionKind.Seated
            ? section.Blocks
            : Rotate(section.Blocks, Random.Shared.Next(section.Blocks.Count));

        var plan = new BookingPlan(
            layout.EventId,
            email,
            Fingerprint(email, $"{section.Section.Id}x{quantity}"),
            layout.HoldDuration,
            new Money(section.Section.Price * quantity, layout.Currency),
            section.Section.Id,
            quantity,
            [],
            candidates);
        return (plan, null);
    }

    private static List<BlockDefinition> Rotate(IReadOnlyList<BlockDefinition> blocks, int start) =>
        blocks.Skip(start).Concat(blocks.Take(start)).ToList();

    private static string Fingerprint(string email, string what) => $"{email.ToLowerInvariant()}|{what}";

    private static RoutingError NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
}

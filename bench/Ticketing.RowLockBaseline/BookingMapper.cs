namespace Ticketing.RowLockBaseline;

/// <summary>Stored rows to the API's shapes.</summary>
public static class BookingMapper
{
    public static BookingResponse ToResponse(BookingRow b, DateTimeOffset now)
    {
        // A hold ends at expiresAt whether or not anybody has looked since.
        var status = b.Status == BookingStatus.Held && b.ExpiresAt <= now ? BookingStatus.Expired : b.Status;
        var total = new MoneyResponse(b.Total, b.Currency);
        var seated = b.Seats.Count > 0 && b.Seats[0].Row > 0;
        var payment = b.PaymentId is null
            ? null
            : new PaymentResponse(b.PaymentId, total, PaymentStatus.Succeeded, b.PaymentId, null, 1, b.PaidAt!.Value, b.PaidAt);
        if (b.PaymentId is null && b.Status == BookingStatus.PaymentFailed)
        {
            payment = new PaymentResponse($"pay_{b.Id:N}", total, PaymentStatus.Declined, null, b.Reason, 1, b.CreatedAt, b.CreatedAt);
        }

        IReadOnlyList<PaymentResponse> refunds = b.RefundId is null
            ? []
            : [new PaymentResponse(b.RefundId, total, PaymentStatus.Succeeded, b.RefundId, null, 1, b.RefundedAt!.Value, b.RefundedAt)];
        var tickets = b.TicketIds is null || b.TicketCodes is null
            ? []
            : b.TicketIds.Select((id, i) => new TicketResponse(id, seated ? b.Seats[i].ToString() : b.Section ?? "", b.TicketCodes[i])).ToList();
        return new BookingResponse(b.Id, b.EventId, status, b.Email, seated ? b.Seats.Select(s => s.ToString()).ToList() : [],
            b.Section, b.Quantity, b.ExpiresAt, total, b.CreatedAt, payment, refunds, tickets, b.Reason);
    }

    public static EventResponse ToResponse(EventDefinition d, EventStatus status, IReadOnlyDictionary<string, AvailabilityResponse>? availability) =>
        new(d.Id, d.Name, d.Description, d.Venue, d.StartsAt, d.Currency, d.HoldSeconds, status, d.CreatedAt,
            d.Sections.Select(s => new SectionResponse(s.Id, s.Name, s.Kind,
                s.Kind == SectionKind.Seated ? s.Rows : null,
                s.Kind == SectionKind.Seated ? s.SeatsPerRow : null,
                s.Capacity, s.Price,
                availability is not null && availability.TryGetValue(s.Id, out var a) ? a : null)).ToList());
}

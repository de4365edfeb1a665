using System.Text.Json;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;
using Ticketing.Hosting.Notifications;

namespace Ticketing.UnitTests.Webhooks;

public sealed class BookingEmailsTests
{
    private static IntegrationEvent Booking(string type, string email, params TicketPayload[] tickets) =>
        IntegrationEvent.Create(type, DateTimeOffset.UnixEpoch, "b", 2, JsonSerializer.Serialize(new BookingPayload(
            Guid.Parse("11111111-1111-1111-1111-111111111111"), Guid.Parse("22222222-2222-2222-2222-222222222222"), "Confirmed", email, null,
            ["A-1-1"], null, 1, 49m, "EUR", null, tickets), IntegrationEventPayloads.Json));

    [Fact]
    public void A_confirmation_goes_to_the_buyer_with_every_ticket_and_a_message_id_of_its_event()
    {
        var e = Booking(IntegrationEventTypes.BookingConfirmed, "nora@example.com", new TicketPayload(Guid.NewGuid(), "A-1-1", "code-1"));
        var message = BookingEmails.For(e, "tickets@example.com")!;
        Assert.Equal("nora@example.com", message.To.ToString());
        Assert.Equal("tickets@example.com", message.From.ToString());
        Assert.Equal("Your tickets (booking 11111111-1111-1111-1111-111111111111)", message.Subject);
        Assert.Contains("A-1-1: code-1", message.TextBody);
        Assert.Contains("49.00 EUR", message.TextBody);
        Assert.Equal($"{e.Id:N}@ticketing", message.MessageId);
    }

    [Fact]
    public void Only_confirmations_cancellations_and_refunds_to_a_valid_address_make_a_message()
    {
        Assert.NotNull(BookingEmails.For(Booking(IntegrationEventTypes.BookingCancelled, "a@example.com"), "t@example.com"));
        Assert.NotNull(BookingEmails.For(Booking(IntegrationEventTypes.BookingRefunded, "a@example.com"), "t@example.com"));
        Assert.Null(BookingEmails.For(Booking(IntegrationEventTypes.BookingHeld, "a@example.com"), "t@example.com"));
        Assert.Null(BookingEmails.For(Booking(IntegrationEventTypes.BookingConfirmed, ""), "t@example.com"));
    }
}

using System.Globalization;
using System.Text;
using MimeKit;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Events;

namespace Ticketing.Hosting.Notifications;

/// <summary>The messages a buyer gets: a confirmation with the tickets, a cancellation, a refund. Plain text.</summary>
public static class BookingEmails
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>
    {
        IntegrationEventTypes.BookingConfirmed, IntegrationEventTypes.BookingCancelled, IntegrationEventTypes.BookingRefunded,
    };

    /// <summary>The message for <paramref name="e"/>, or null when it is not one a buyer gets (or has no address).</summary>
    public static MimeMessage? For(IntegrationEvent e, string from)
    {
        if (!Types.Contains(e.Type) || IntegrationEventPayloads.ReadBooking(e.Payload) is not { Email.Length: > 0 } booking
            || !MailboxAddress.TryParse(booking.Email, out var to))
        {
            return null;
        }

        var total = booking.Amount.ToString("0.00", CultureInfo.InvariantCulture) + " " + booking.Currency;
        var text = new StringBuilder();
        string subject;
        switch (e.Type)
        {
            case IntegrationEventTypes.BookingConfirmed:
                subject = $"Your tickets (booking {booking.BookingId})";
                text.AppendLine($"Your booking {booking.BookingId} for event {booking.EventId} is confirmed; you paid {total}.").AppendLine();
                text.AppendLine("Your tickets (show the code at the entrance):");
                foreach (var ticket in booking.Tickets)
                {
                    text.AppendLine($"  {ticket.Seat}: {ticket.Code}");
                }

                break;
            case IntegrationEventTypes.BookingCancelled:
                subject = $"Booking {booking.BookingId} is cancelled";
                text.AppendLine($"Your booking {booking.BookingId} for event {booking.EventId} is cancelled; its tickets are no longer valid.");
                text.AppendLine($"The payment of {total} is refunded.");
                break;
            default:
                subject = $"Refund for booking {booking.BookingId}";
                text.AppendLine($"The payment of {total} for booking {booking.BookingId} (event {booking.EventId}) has been refunded.");
                if (booking.Reason is { Length: > 0 } reason)
                {
                    text.AppendLine(reason);
                }

                break;
        }

        var message = new MimeMessage
        {
            // One Message-Id per event: a mail system that sees it twice can tell.
            MessageId = $"{e.Id:N}@ticketing",
            Subject = subject,
            Date = e.OccurredAt,
            Body = new TextPart("plain") { Text = text.ToString() },
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(to);
        return message;
    }
}

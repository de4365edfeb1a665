using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

/// <summary>
/// A place in an event's waiting room. position: 1 = next to be admitted (null before onSaleAt, when places are not
/// drawn yet); admissionToken (Admitted only): the Admission-Token header for holds, valid until admissionExpiresAt.
/// </summary>
public sealed record QueueTicketResponse(
    Guid QueueTicketId,
    Guid EventId,
    QueueStatus Status,
    long? Position,
    int EstimatedWaitSeconds,
    string? AdmissionToken,
    DateTimeOffset? AdmissionExpiresAt)
{
    public static QueueTicketResponse From(QueueTicketView ticket, AdmissionTokens tokens)
    {
        var token = ticket is { Status: QueueStatus.Admitted, WindowEndsAt: { } ends } ? tokens.Issue(ticket.EventId, ticket.CustomerId, ends) : null;
        return new QueueTicketResponse(ticket.QueueTicketId, ticket.EventId, ticket.Status, ticket.Position, ticket.EstimatedWaitSeconds,
            token, token is null ? null : ticket.WindowEndsAt);
    }
}

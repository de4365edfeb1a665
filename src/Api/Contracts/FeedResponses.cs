using System.Text.Json;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Contracts;

/// <summary>One integration event as the feed and webhooks show it.</summary>
public sealed record IntegrationEventResponse(
    Guid Id,
    string Type,
    DateTimeOffset OccurredAt,
    string AggregateId,
    long Sequence,
    JsonElement Payload)
{
    public static IntegrationEventResponse From(IntegrationEvent e)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        return new(e.Id, e.Type, e.OccurredAt, e.AggregateId, e.Sequence, payload.RootElement.Clone());
    }
}

/// <summary>
/// One page of the feed. <c>Next</c> is the cursor to pass as <c>after</c> for the following page: after the last
/// event here, or the same cursor as asked when nothing new was there yet.
/// </summary>
public sealed record FeedResponse(IReadOnlyList<IntegrationEventResponse> Events, string Next);

using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Ticketing.Api.Security;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Api.Endpoints;

internal static class EventOwnership
{
    /// <summary>
    /// What only an event's organizer (or an admin) may do or see: null when <paramref name="user"/> may, else 404 when
    /// the event does not exist and 403 when it is someone else's.
    /// </summary>
    public static async Task<ProblemHttpResult?> RefuseUnlessOwnerAsync(Guid eventId, ClaimsPrincipal user, IGrainFactory grains)
    {
        var details = await grains.GetGrain<IEventGrain>(eventId).GetDetails();
        if (details is null)
        {
            return Problems.NotFound($"Event {eventId} does not exist.");
        }

        return user.IsAdmin() || (details.OwnerId is not null && details.OwnerId == user.SubjectId())
            ? null
            : Problems.Forbidden($"Event {eventId} belongs to another organizer.");
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Ticketing.Grains.Abstractions;

/// <summary>A customer has one place per event's waiting room: its ticket id is derived from both.</summary>
public static class QueueTicketKey
{
    public static Guid For(Guid eventId, string customerId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"queue|{eventId:N}|{customerId}"));
        return new Guid(hash.AsSpan(0, 16));
    }
}

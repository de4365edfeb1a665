using System.Security.Claims;

namespace Ticketing.Api.Security;

/// <summary>The roles a token may carry (claim "role"), and the authorization policies built from them.</summary>
public static class Roles
{
    public const string Customer = "customer";
    public const string Organizer = "organizer";
    public const string Staff = "staff";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Customer, Organizer, Staff, Admin];

    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";
    public const string EmailClaim = "email";
}

/// <summary>Authorization policies; every endpoint names one, or says it is open to anyone.</summary>
public static class Policies
{
    /// <summary>Holds, pays, releases and cancels its own bookings.</summary>
    public const string Customer = "customer";

    /// <summary>Creates events and runs its own.</summary>
    public const string Organizer = "organizer";

    public const string Admin = "admin";

    /// <summary>Scans tickets at the gates of the events it is assigned to (checked per event besides the role).</summary>
    public const string Staff = "staff";
}

/// <summary>Who is calling, as the endpoints need it.</summary>
public static class CallerExtensions
{
    public static string? SubjectId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirstValue(Roles.SubjectClaim) : null;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>The customer a booking command acts for: the caller, or anyone (null) for an admin.</summary>
    public static string? BookingOwnerFilter(this ClaimsPrincipal user) => user.IsAdmin() ? null : user.SubjectId();

    /// <summary>The token's email, or its subject when that is an email address.</summary>
    public static string? Email(this ClaimsPrincipal user) =>
        user.FindFirstValue(Roles.EmailClaim) ?? (user.SubjectId() is { } subject && subject.Contains('@') ? subject : null);
}

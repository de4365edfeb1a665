using System.Text.RegularExpressions;
using Ticketing.Api.Infrastructure;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Domain;

namespace Ticketing.Api.Contracts;

// Requests bind every field as nullable so that a missing field gets a 400 naming it, not a default value.

/// <summary>The body of POST /api/events and PUT /api/events/{eventId}: an event and its layout.</summary>
public sealed partial record CreateEventRequest(
    string? Name,
    string? Description,
    string? Venue,
    DateTimeOffset? StartsAt,
    string? Currency,
    int? HoldSeconds,
    List<SectionRequest?>? Sections,
    int? MaxSeatsPerCustomer = null,
    WaitingRoomRequest? WaitingRoom = null,
    DateTimeOffset? OnSaleAt = null)
{
    public const int DefaultHoldSeconds = 600;
    public const int MaxHoldSeconds = 86_400;
    public const int MaxRows = 1_000;
    public const int MaxGeneralAdmissionCapacity = 1_000_000;

    /// <summary>Per seat or place; bounded so that a booking's total (price × seats) can never overflow.</summary>
    public const decimal MaxPrice = 1_000_000m;

    [GeneratedRegex("^[A-Za-z0-9_]{1,20}$")]
    private static partial Regex SectionIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    /// <summary>The event this request describes, or null with every problem of the request in <paramref name="errors"/>.</summary>
    public EventDefinition? ToEventDefinition(ValidationErrors errors, EventLimits limits)
    {
        RequireText(Name, "name", 200, errors);
        if (Description is { Length: > 4000 })
        {
            errors.Add("description", "must be at most 4000 characters.");
        }

        RequireText(Venue, "venue", 200, errors);
        if (StartsAt is null)
        {
            errors.Add("startsAt", "is required (ISO 8601, e.g. 2027-03-01T19:00:00Z).");
        }

        if (Currency is null || !CurrencyPattern().IsMatch(Currency))
        {
            errors.Add("currency", "is required: a three-letter ISO 4217 code in capitals, e.g. EUR.");
        }

        var holdSeconds = HoldSeconds ?? DefaultHoldSeconds;
        if (holdSeconds < 1 || holdSeconds > MaxHoldSeconds)
        {
            errors.Add("holdSeconds", $"must be between 1 and {MaxHoldSeconds}.");
        }

        var maxSeatsPerCustomer = MaxSeatsPerCustomer ?? EventDefinition.DefaultMaxSeatsPerCustomer;
        if (maxSeatsPerCustomer < 1 || maxSeatsPerCustomer > limits.MaxSeats)
        {
            errors.Add("maxSeatsPerCustomer", $"must be between 1 and {limits.MaxSeats}.");
        }

        var sections = ValidateSections(Sections, limits, errors);
        var waitingRoom = WaitingRoom?.ToDefinition(errors);
        if (OnSaleAt is { } onSaleAt && StartsAt is { } startsAt && onSaleAt >= startsAt)
        {
            errors.Add("onSaleAt", "must be before startsAt.");
        }

        if (errors.Any)
        {
            return null;
        }

        return new EventDefinition(
            Name!.Trim(),
            Description,
            Venue!.Trim(),
            StartsAt!.Value.ToUniversalTime(),
            Currency!,
            TimeSpan.FromSeconds(holdSeconds),
            sections,
            maxSeatsPerCustomer,
            waitingRoom,
            OnSaleAt?.ToUniversalTime());
    }

    private static List<SectionDefinition> ValidateSections(List<SectionRequest?>? sections, EventLimits limits, ValidationErrors errors)
    {
        var result = new List<SectionDefinition>();
        if (sections is null || sections.Count == 0)
        {
            errors.Add("sections", "at least one section is required.");
            return result;
        }

        if (sections.Count > limits.MaxSections)
        {
            errors.Add("sections", $"at most {limits.MaxSections} sections ({sections.Count} given).");
            return result;
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long totalCapacity = 0;
        for (var i = 0; i < sections.Count; i++)
        {
            var path = $"sections[{i}]";
            if (sections[i] is not { } section)
            {
                errors.Add(path, "must be an object.");
                continue;
            }

            var valid = true;
            if (section.Id is null || !SectionIdPattern().IsMatch(section.Id))
            {
                errors.Add($"{path}.id", "is required: 1 to 20 letters, digits or underscores (no hyphens: seat ids are {section}-{row}-{number}).");
                valid = false;
            }
            else if (!ids.Add(section.Id))
            {
                errors.Add($"{path}.id", $"'{section.Id}' is used by another section.");
                valid = false;
            }

            valid &= RequireText(section.Name, $"{path}.name", 200, errors);
            if (section.Price is not { } price || price < 0 || price > MaxPrice)
            {
                errors.Add($"{path}.price", $"is required, from 0 to {MaxPrice:0}.");
                valid = false;
            }

            var seated = section.Rows is not null || section.SeatsPerRow is not null;
            if (seated && section.Capacity is not null)
            {
                errors.Add(path, "give either rows and seatsPerRow (seated) or capacity (general admission), not both.");
                continue;
            }

            if (!seated && section.Capacity is null)
            {
                errors.Add(path, "give rows and seatsPerRow (seated) or capacity (general admission).");
                continue;
            }

            if (seated)
            {
                if (section.Rows is not { } rows || rows < 1 || rows > MaxRows)
                {
                    errors.Add($"{path}.rows", $"is required for a seated section, from 1 to {MaxRows}.");
                    valid = false;
                }

                if (section.SeatsPerRow is not { } perRow || perRow < 1 || perRow > LayoutPlanner.MaxSeatsPerBlock)
                {
                    errors.Add($"{path}.seatsPerRow", $"is required for a seated section, from 1 to {LayoutPlanner.MaxSeatsPerBlock}.");
                    valid = false;
                }

                if (valid)
                {
                    var definition = SectionDefinition.Seated(section.Id!, section.Name!.Trim(), section.Rows!.Value, section.SeatsPerRow!.Value, section.Price!.Value);
                    totalCapacity += definition.Capacity;
                    result.Add(definition);
                }
            }
            else if (section.Capacity is not { } capacity || capacity < 1 || capacity > MaxGeneralAdmissionCapacity)
            {
                errors.Add($"{path}.capacity", $"must be from 1 to {MaxGeneralAdmissionCapacity}.");
            }
            else if (valid)
            {
                totalCapacity += capacity;
                result.Add(SectionDefinition.GeneralAdmission(section.Id!, section.Name!.Trim(), capacity, section.Price!.Value));
            }
        }

        if (totalCapacity > limits.MaxSeats)
        {
            errors.Add("sections", $"the event may have at most {limits.MaxSeats} places in all ({totalCapacity} given).");
        }

        return result;
    }

    private static bool RequireText(string? value, string field, int maxLength, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required.");
            return false;
        }

        if (value.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters.");
            return false;
        }

        return true;
    }
}

/// <summary>One section of an event: seated (rows and seatsPerRow) or general admission (capacity).</summary>
public sealed record SectionRequest(string? Id, string? Name, int? Rows, int? SeatsPerRow, int? Capacity, decimal? Price);

/// <summary>Puts buyers in a line and lets them in at admitPerMinute; each has shoppingWindowSeconds (default 600) to hold seats.</summary>
public sealed record WaitingRoomRequest(int? AdmitPerMinute, int? ShoppingWindowSeconds = null)
{
    public const int MaxAdmitPerMinute = 1_000_000;
    public const int MinShoppingWindowSeconds = 60;
    public const int MaxShoppingWindowSeconds = 86_400;

    public WaitingRoomDefinition? ToDefinition(ValidationErrors errors)
    {
        if (AdmitPerMinute is not { } rate || rate < 1 || rate > MaxAdmitPerMinute)
        {
            errors.Add("waitingRoom.admitPerMinute", $"is required with a waiting room, from 1 to {MaxAdmitPerMinute}.");
            return null;
        }

        var window = ShoppingWindowSeconds ?? (int)WaitingRoomDefinition.DefaultShoppingWindow.TotalSeconds;
        if (window < MinShoppingWindowSeconds || window > MaxShoppingWindowSeconds)
        {
            errors.Add("waitingRoom.shoppingWindowSeconds", $"must be from {MinShoppingWindowSeconds} to {MaxShoppingWindowSeconds}.");
            return null;
        }

        return new WaitingRoomDefinition(rate, TimeSpan.FromSeconds(window));
    }
}

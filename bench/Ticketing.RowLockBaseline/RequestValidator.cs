using System.Text.RegularExpressions;

namespace Ticketing.RowLockBaseline;

/// <summary>Every problem of a request, keyed by the JSON path of the field at fault.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public string Summary() => string.Join(" ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));
}

/// <summary>A request that refers to something missing (404) or asks for something impossible (400).</summary>
public sealed record RequestProblem(int StatusCode, string Detail);

/// <summary>The same input rules as Ticketing.Api, so both services refuse the same requests.</summary>
public static partial class RequestValidator
{
    public const int MaxSeatsPerBooking = 10;
    public const int MaxHoldSeconds = 86_400;
    public const int MaxSections = 500;
    public const int MaxRows = 1_000;
    public const int MaxSeatsPerRow = 500;
    public const int MaxGeneralAdmissionCapacity = 1_000_000;
    public const int MaxEventCapacity = 2_000_000;

    [GeneratedRegex("^[A-Za-z0-9_]{1,20}$")]
    private static partial Regex SectionIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    public static EventDefinition? Validate(CreateEventRequest request, Guid id, DateTimeOffset now, ValidationErrors errors)
    {
        RequireText(request.Name, "name", 200, errors);
        if (request.Description is { Length: > 4000 })
        {
            errors.Add("description", "must be at most 4000 characters.");
        }

        RequireText(request.Venue, "venue", 200, errors);
        if (request.StartsAt is null)
        {
            errors.Add("startsAt", "is required (ISO 8601, e.g. 2027-03-01T19:00:00Z).");
        }

        if (request.Currency is null || !CurrencyPattern().IsMatch(request.Currency))
        {
            errors.Add("currency", "is required: a three-letter ISO 4217 code in capitals, e.g. EUR.");
        }

        var holdSeconds = request.HoldSeconds ?? 600;
        if (holdSeconds < 1 || holdSeconds > MaxHoldSeconds)
        {
            errors.Add("holdSeconds", $"must be between 1 and {MaxHoldSeconds}.");
        }

        var sections = ValidateSections(request.Sections, errors);
        return errors.Any
            ? null
            : new EventDefinition(id, request.Name!.Trim(), request.Description, request.Venue!.Trim(), request.StartsAt!.Value.ToUniversalTime(),
                request.Currency!, holdSeconds, now, sections);
    }

    private static List<SectionDefinition> ValidateSections(List<SectionRequest?>? sections, ValidationErrors errors)
    {
        var result = new List<SectionDefinition>();
        if (sections is null || sections.Count == 0 || sections.Count > MaxSections)
        {
            errors.Add("sections", $"from 1 to {MaxSections} sections are required.");
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
                errors.Add($"{path}.id", "is required: 1 to 20 letters, digits or underscores.");
                valid = false;
            }
            else if (!ids.Add(section.Id))
            {
                errors.Add($"{path}.id", $"'{section.Id}' is used by another section.");
                valid = false;
            }

            valid &= RequireText(section.Name, $"{path}.name", 200, errors);
            if (section.Price is not { } price || price < 0)
            {
                errors.Add($"{path}.price", "is required and must not be negative.");
                valid = false;
            }

            var seated = section.Rows is not null || section.SeatsPerRow is not null;
            if (seated == (section.Capacity is not null))
            {
                errors.Add(path, "give either rows and seatsPerRow (seated) or capacity (general admission).");
                continue;
            }

            if (seated)
            {
                if (section.Rows is not { } rows || rows < 1 || rows > MaxRows)
                {
                    errors.Add($"{path}.rows", $"is required for a seated section, from 1 to {MaxRows}.");
                    valid = false;
                }

                if (section.SeatsPerRow is not { } perRow || perRow < 1 || perRow > MaxSeatsPerRow)
                {
                    errors.Add($"{path}.seatsPerRow", $"is required for a seated section, from 1 to {MaxSeatsPerRow}.");
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

        if (totalCapacity > MaxEventCapacity)
        {
            errors.Add("sections", $"the event may have at most {MaxEventCapacity} places in all.");
        }

        return result;
    }

    /// <summary>Checks a booking request's shape (400s); <see cref="Resolve"/> then checks it against the event (404s).</summary>
    public static void Validate(CreateBookingRequest request, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors.Add("email", "is required.");
        }
        else if (request.Email.Length > 254 || !EmailPattern().IsMatch(request.Email))
        {
            errors.Add("email", $"'{request.Email}' is not a valid email address.");
        }

        var bySection = request.Section is not null || request.Quantity is not null;
        if (request.Seats is { } seats)
        {
            if (bySection)
            {
                errors.Add("seats", "give either seats, or section and quantity (best available), not both.");
                return;
            }

            if (seats.Count == 0 || seats.Count > MaxSeatsPerBooking)
            {
                errors.Add("seats", $"list 1 to {MaxSeatsPerBooking} seats.");
                return;
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < seats.Count; i++)
            {
                if (!SeatKey.TryParse(seats[i], out var seat))
                {
                    errors.Add($"seats[{i}]", $"'{seats[i]}' is not a seat id of the form {{section}}-{{row}}-{{number}}, e.g. A-1-1.");
                }
                else if (!seen.Add(seat.ToString()))
                {
                    errors.Add($"seats[{i}]", $"'{seats[i]}' is listed twice.");
                }
            }

            return;
        }

        if (!bySection)
        {
            errors.Add("seats", "give seats, or section and quantity (best available).");
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Section))
        {
            errors.Add("section", "is required with quantity.");
        }

        if (request.Quantity is not { } quantity || quantity < 1 || quantity > MaxSeatsPerBooking)
        {
            errors.Add("quantity", $"is required with section, from 1 to {MaxSeatsPerBooking}.");
        }
    }

    /// <summary>Resolves a valid booking request against the event: unknown sections and seats are 404s.</summary>
    public static (HoldRequest? Hold, RequestProblem? Problem) Resolve(CreateBookingRequest request, EventDefinition definition)
    {
        if (request.Seats is null)
        {
            var section = definition.FindSection(request.Section!);
            if (section is null)
            {
                return (null, new RequestProblem(StatusCodes.Status404NotFound, $"Section '{request.Section}' does not exist in this event."));
            }

            var quantity = request.Quantity!.Value;
            return (new HoldRequest(request.Email!, section, quantity, [], section.Price * quantity), null);
        }

        var seats = new List<SeatKey>(request.Seats.Count);
        decimal total = 0;
        foreach (var id in request.Seats)
        {
            SeatKey.TryParse(id, out var asked);
            var section = definition.FindSection(asked.Section);
            if (section is null)
            {
                return (null, new RequestProblem(StatusCodes.Status404NotFound, $"Seat {id}: section '{asked.Section}' does not exist in this event."));
            }

            if (section.Kind == SectionKind.GeneralAdmission)
            {
                return (null, new RequestProblem(StatusCodes.Status400BadRequest,
                    $"Seat {id}: section {section.Id} is general admission; book it with section and quantity."));
            }

            if (asked.Row > section.Rows || asked.Number > section.SeatsPerRow)
            {
                return (null, new RequestProblem(StatusCodes.Status404NotFound, $"Seat {id} does not exist in section {section.Id}."));
            }

            seats.Add(asked with { Section = section.Id });
            total += section.Price;
        }

        return (new HoldRequest(request.Email!, null, seats.Count, seats, total), null);
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

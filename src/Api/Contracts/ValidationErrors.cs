namespace Ticketing.Api.Contracts;

/// <summary>Collects every problem of a request, keyed by the JSON path of the field at fault.</summary>
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

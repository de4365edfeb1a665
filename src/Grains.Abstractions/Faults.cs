namespace Ticketing.Grains.Abstractions;

/// <summary>
/// An infrastructure failure (the database refused or lost a connection, a network error) on the far side of a grain
/// call. The exceptions of storage drivers cannot cross a grain call as themselves (PostgreSQL's are not
/// serializable), so the silo turns them into this one, which carries their message only. Nothing may be assumed to
/// have been kept; the caller retries (the API answers 503 with Retry-After: it is an <see cref="OrleansException"/>).
/// </summary>
[GenerateSerializer, Alias("Ticketing.InfrastructureUnavailableException")]
public sealed class InfrastructureUnavailableException : OrleansException
{
    public InfrastructureUnavailableException()
    {
    }

    public InfrastructureUnavailableException(string message)
        : base(message)
    {
    }

    public InfrastructureUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using Ticketing.Grains.Payments;

namespace Ticketing.Hosting.Payments;

/// <summary>The provider's answer: approved (with its reference) or declined (with a code). Final either way.</summary>
public sealed record ProviderResponse(bool Approved, string? Reference, string? DeclineCode);

/// <summary>A transient provider failure (an outage, a 5xx): worth retrying with the same idempotency key.</summary>
public sealed class PaymentProviderException(string message) : Exception(message);

/// <summary>
/// A payment provider's raw API: answers, or throws <see cref="PaymentProviderException"/> for transient failures,
/// and may hang (the caller's cancellation token ends the wait).
/// </summary>
public interface IPaymentProvider
{
    Task<ProviderResponse> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task<ProviderResponse> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>The answer the provider gave to the charge with this idempotency key, or null when it made none.</summary>
    Task<ProviderResponse?> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken);
}

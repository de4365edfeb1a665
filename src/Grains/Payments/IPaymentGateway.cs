using System.ComponentModel.DataAnnotations;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Grains.Payments;

/// <summary>A charge of a booking's total. The idempotency key is stable per booking, so a retry never charges twice.</summary>
public sealed record ChargeRequest(string IdempotencyKey, string PaymentToken, Money Amount, string Description);

/// <summary>A full refund of an earlier charge.</summary>
public sealed record RefundRequest(string IdempotencyKey, string ChargeReference, Money Amount);

public enum GatewayOutcome
{
    Succeeded,

    /// <summary>The provider refused (card declined, insufficient funds): final, never retried.</summary>
    Declined,

    /// <summary>The provider failed or is cut off by the circuit breaker; the call may be tried again later.</summary>
    Unavailable,

    /// <summary>No answer in time, after retries.</summary>
    TimedOut,
}

public sealed record GatewayResult(GatewayOutcome Outcome, string? Reference, string? Reason, int Attempts);

/// <summary>
/// The payment provider as the booking grain sees it: every call returns an outcome, never throws for the
/// provider's trouble. The host wires the implementation (simulated, behind a resilience pipeline).
/// </summary>
public interface IPaymentGateway
{
    Task<GatewayResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default);

    Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Timing of the payment saga, from the "Payments:Saga" configuration section.</summary>
public sealed class PaymentSagaOptions
{
    public const string SectionName = "Payments:Saga";

    /// <summary>How long a hold is kept alive past now while its payment is in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a failed refund is tried again (a durable reminder; Orleans allows no less than a minute by default).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefundRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

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

    /// <summary>No answer in time, after retries: the outcome is unknown (the charge may have gone through), so ask the provider.</summary>
    TimedOut,

    /// <summary>The provider has no charge under the idempotency key that was looked up: it was never made.</summary>
    NotFound,
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

    /// <summary>
    /// What became of the charge made under <paramref name="idempotencyKey"/>: Succeeded or Declined as the provider
    /// answered it, <see cref="GatewayOutcome.NotFound"/> when there is none, Unavailable or TimedOut while that is unknown.
    /// </summary>
    Task<GatewayResult> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken = default);
}

/// <summary>Timing of the payment saga, from the "Payments:Saga" configuration section.</summary>
public sealed class PaymentSagaOptions
{
    public const string SectionName = "Payments:Saga";

    /// <summary>How long a hold is kept alive past now while its payment is in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Period of the durable "saga-resume" reminder that drives a PaymentPending or RefundPending booking to its end
    /// (asks the provider about an unanswered charge, retries a failed refund); Orleans allows no less than a minute by default.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefundRetryPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

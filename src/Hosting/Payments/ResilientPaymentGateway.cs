using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Ticketing.Grains.Payments;

namespace Ticketing.Hosting.Payments;

/// <summary>
/// Resilience settings of every provider call, from "Payments:Resilience". The ranges are Polly's own limits, checked
/// at startup rather than when the first payment builds the pipeline.
/// </summary>
public sealed class PaymentResilienceOptions
{
    public const string SectionName = "Payments:Resilience";

    /// <summary>How long one attempt may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries after the first attempt, for transient failures and timeouts only (a decline is final).</summary>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; it doubles each time, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The share of failed calls in the sampling window that opens the breaker: above 0, at most 1.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, int.MaxValue)]
    public int BreakerMinimumThroughput { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The booking grain's gateway: every charge and refund runs through one Polly pipeline (retry with exponential
/// backoff and jitter, circuit breaker, per-attempt timeout), and its fate is returned as an outcome. The
/// idempotency key travels unchanged into every retry, so retries never charge twice. The breaker counts only the
/// provider's faults (transient errors and timeouts): a decline is an answer, returned as a result, never a failure.
/// Lookups of a charge skip the breaker: they are how an unknown outcome is settled, so an open circuit must not stop them.
/// </summary>
public sealed class ResilientPaymentGateway : IPaymentGateway
{
    private readonly IPaymentProvider _provider;
    private readonly ResiliencePipeline _pipeline;
    private readonly ResiliencePipeline _lookupPipeline;

    /// <param name="timeProvider">The clock of timeouts and backoff: real time in the hosts, since provider calls are real I/O.</param>
    public ResilientPaymentGateway(IPaymentProvider provider, IOptions<PaymentResilienceOptions> options, TimeProvider timeProvider)
    {
        _provider = provider;
        var settings = options.Value;
        var transient = new PredicateBuilder().Handle<PaymentProviderException>().Handle<TimeoutRejectedException>();
        var retry = new RetryStrategyOptions
        {
            ShouldHandle = transient,
            MaxRetryAttempts = settings.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.RetryBaseDelay,
        };
        // Polly refuses a retry strategy of zero attempts, which the settings allow: then there is none.
        var charges = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        var lookups = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (settings.MaxRetries > 0)
        {
            charges.AddRetry(retry);
            lookups.AddRetry(retry);
        }

        _pipeline = charges
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = settings.BreakerFailureRatio,
                MinimumThroughput = settings.BreakerMinimumThroughput,
                SamplingDuration = settings.BreakerSamplingDuration,
                BreakDuration = settings.BreakDuration,
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
        _lookupPipeline = lookups
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    public Task<GatewayResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ct => _provider.ChargeAsync(request, ct), cancellationToken);

    public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ct => _provider.RefundAsync(request, ct), cancellationToken);

    public Task<GatewayResult> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken = default) =>
        CallAsync(ct => _provider.GetChargeAsync(idempotencyKey, ct), cancellationToken, _lookupPipeline);

    private Task<GatewayResult> CallAsync(Func<CancellationToken, Task<ProviderResponse>> call, CancellationToken cancellationToken) =>
        CallAsync(async ct => (ProviderResponse?)await call(ct), cancellationToken, _pipeline);

    private static async Task<GatewayResult> CallAsync(
        Func<CancellationToken, Task<ProviderResponse?>> call, CancellationToken cancellationToken, ResiliencePipeline pipeline)
    {
        var attempts = 0;
        // An attempt that timed out may have gone through at the provider: if a later attempt fails (or the circuit
        // opens), the outcome is still unknown, never "failed", so that the booking asks the provider by its key.
        var unanswered = 0;
        try
        {
            var response = await pipeline.ExecuteAsync(async ct =>
            {
                Interlocked.Increment(ref attempts);
                try
                {
                    return await call(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Exchange(ref unanswered, 1);
                    throw;
                }
            }, cancellationToken);
            if (response is null)
            {
                return new GatewayResult(GatewayOutcome.NotFound, null, "no such charge", attempts);
            }

            return response.Approved
                ? new GatewayResult(GatewayOutcome.Succeeded, response.Reference, null, attempts)
                : new GatewayResult(GatewayOutcome.Declined, null, response.DeclineCode, attempts);
        }
        catch (TimeoutRejectedException)
        {
            return new GatewayResult(GatewayOutcome.TimedOut, null, "payment provider timed out", attempts);
        }
        catch (Exception e) when (e is BrokenCircuitException or PaymentProviderException && Volatile.Read(ref unanswered) == 1)
        {
            return new GatewayResult(GatewayOutcome.TimedOut, null, $"payment provider timed out, then: {e.Message}", attempts);
        }
        catch (BrokenCircuitException)
        {
            return new GatewayResult(GatewayOutcome.Unavailable, null, "payment provider unavailable (circuit open)", attempts);
        }
        catch (PaymentProviderException e)
        {
            return new GatewayResult(GatewayOutcome.Unavailable, null, e.Message, attempts);
        }
    }
}

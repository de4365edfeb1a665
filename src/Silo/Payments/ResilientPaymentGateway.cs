using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Ticketing.Grains.Payments;

namespace Ticketing.Silo.Payments;

/// <summary>Resilience settings of every provider call, from "Payments:Resilience".</summary>
public sealed class PaymentResilienceOptions
{
    public const string SectionName = "Payments:Resilience";

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries after the first attempt, for transient failures and timeouts only (a decline is final).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; it doubles each time, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// The booking grain's gateway: every provider call runs through one Polly pipeline (retry with exponential
/// backoff and jitter, circuit breaker, per-attempt timeout), and its fate is returned as an outcome. The
/// idempotency key travels unchanged into every retry, so retries never charge twice.
/// </summary>
public sealed class ResilientPaymentGateway : IPaymentGateway
{
    private readonly IPaymentProvider _provider;
    private readonly ResiliencePipeline _pipeline;

    /// <param name="timeProvider">The clock of timeouts and backoff: real time in the hosts, since provider calls are real I/O.</param>
    public ResilientPaymentGateway(IPaymentProvider provider, IOptions<PaymentResilienceOptions> options, TimeProvider timeProvider)
    {
        _provider = provider;
        var settings = options.Value;
        var transient = new PredicateBuilder().Handle<PaymentProviderException>().Handle<TimeoutRejectedException>();
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
            })
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
    }

    public Task<GatewayResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ct => _provider.ChargeAsync(request, ct), cancellationToken);

    public Task<GatewayResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(ct => _provider.RefundAsync(request, ct), cancellationToken);

    private async Task<GatewayResult> CallAsync(Func<CancellationToken, Task<ProviderResponse>> call, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            var response = await _pipeline.ExecuteAsync(async ct =>
            {
                Interlocked.Increment(ref attempts);
                return await call(ct);
            }, cancellationToken);
            return response.Approved
                ? new GatewayResult(GatewayOutcome.Succeeded, response.Reference, null, attempts)
                : new GatewayResult(GatewayOutcome.Declined, null, response.DeclineCode, attempts);
        }
        catch (BrokenCircuitException)
        {
            return new GatewayResult(GatewayOutcome.Unavailable, null, "payment provider unavailable (circuit open)", attempts);
        }
        catch (TimeoutRejectedException)
        {
            return new GatewayResult(GatewayOutcome.TimedOut, null, "payment provider timed out", attempts);
        }
        catch (PaymentProviderException e)
        {
            return new GatewayResult(GatewayOutcome.Unavailable, null, e.Message, attempts);
        }
    }
}

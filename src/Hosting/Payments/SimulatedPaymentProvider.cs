using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Ticketing.Grains.Payments;

namespace Ticketing.Hosting.Payments;

/// <summary>Settings of the simulated provider, from "Payments:Simulated".</summary>
public sealed class SimulatedPaymentOptions
{
    public const string SectionName = "Payments:Simulated";

    /// <summary>How long every call takes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a <c>tok_visa_slow</c> charge takes before it succeeds: by default well inside the default attempt
    /// timeout (3 s), so that it succeeds on its first attempt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SlowLatency { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How many refund attempts of a <c>tok_refund_fails</c> charge fail before one succeeds.</summary>
    [Range(0, int.MaxValue)]
    public int RefundFailures { get; set; } = 4;
}

/// <summary>A charge or refund the simulated provider made.</summary>
public sealed record SimulatedTransaction(string IdempotencyKey, string Reference, decimal Amount, string Currency, DateTimeOffset At);

/// <summary>
/// A payment provider in test mode, driven by test tokens like a real provider's sandbox:
/// <c>tok_visa</c> succeeds; <c>tok_declined</c> and <c>tok_insufficient_funds</c> are declined; <c>tok_timeout</c>
/// never answers; <c>tok_flaky</c> fails transiently twice, then succeeds; <c>tok_unavailable</c> always fails
/// transiently; <c>tok_visa_slow</c> succeeds after <see cref="SimulatedPaymentOptions.SlowLatency"/>;
/// <c>tok_refund_fails</c> charges, but its first refunds fail; <c>tok_lost_answer</c> charges, but its answer never
/// arrives (the caller times out, and only a lookup by key tells it the charge went through). Any other token is
/// declined as invalid.
/// Idempotent like a real provider: a repeated key returns the first answer and never charges twice. Its answers are
/// kept in an <see cref="IPaymentLedger"/> (PostgreSQL, shared by every silo, when one is configured); how many times
/// each key was tried, which only shapes the test tokens' behaviour, is counted per process.
/// </summary>
public sealed class SimulatedPaymentProvider(IOptions<SimulatedPaymentOptions> options, TimeProvider timeProvider, IPaymentLedger ledger) : IPaymentProvider
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();
    private readonly ConcurrentQueue<SimulatedTransaction> _charges = new();
    private readonly ConcurrentQueue<SimulatedTransaction> _refunds = new();

    public SimulatedPaymentProvider(IOptions<SimulatedPaymentOptions> options, TimeProvider timeProvider)
        : this(options, timeProvider, new InMemoryPaymentLedger())
    {
    }

    /// <summary>The charges this process made (the ledger holds every silo's).</summary>
    public IReadOnlyCollection<SimulatedTransaction> Charges => _charges;

    /// <summary>The refunds this process made (the ledger holds every silo's).</summary>
    public IReadOnlyCollection<SimulatedTransaction> Refunds => _refunds;

    public async Task<ProviderResponse> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(request.IdempotencyKey, 1, (_, n) => n + 1);
        await Task.Delay(options.Value.Latency, timeProvider, cancellationToken);
        if (request.PaymentToken == "tok_lost_answer")
        {
            // Charged (once), but no attempt's answer ever reaches the caller.
            await RecordChargeAsync(request, new ProviderResponse(true, $"ch_{Guid.NewGuid():N}", null), cancellationToken);
            await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken);
        }

        // The answer recorded under the key, if any, stands, as at a real provider. It is looked up first only where this
        // attempt would not record one itself (a simulated outage or timeout) or retries here: otherwise recording returns
        // it (the insert's conflict, when another silo tried the key), which saves a statement per payment.
        var simulatesFailure = request.PaymentToken is "tok_timeout" or "tok_unavailable" || (request.PaymentToken == "tok_flaky" && attempt <= 2);
        if ((attempt > 1 || simulatesFailure) && await ledger.FindAsync(request.IdempotencyKey, LedgerEntryKind.Charge, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        if (simulatesFailure)
        {
            if (request.PaymentToken == "tok_timeout")
            {
                // Never answers: the caller's timeout ends the attempt.
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken);
            }

            throw new PaymentProviderException("The payment provider is temporarily unavailable.");
        }

        if (request.PaymentToken == "tok_visa_slow")
        {
            await Task.Delay(options.Value.SlowLatency, timeProvider, cancellationToken);
        }

        var response = request.PaymentToken switch
        {
            "tok_visa" or "tok_visa_slow" or "tok_flaky" or "tok_refund_fails" => new ProviderResponse(true, $"ch_{Guid.NewGuid():N}", null),
            "tok_declined" => new ProviderResponse(false, null, "card_declined"),
            "tok_insufficient_funds" => new ProviderResponse(false, null, "insufficient_funds"),
            _ => new ProviderResponse(false, null, "invalid_token"),
        };

        return await RecordChargeAsync(request, response, cancellationToken);
    }

    public async Task<ProviderResponse?> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await Task.Delay(options.Value.Latency, timeProvider, cancellationToken);
        return await ledger.FindAsync(idempotencyKey, LedgerEntryKind.Charge, cancellationToken);
    }

    public async Task<ProviderResponse> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(request.IdempotencyKey, 1, (_, n) => n + 1);
        await Task.Delay(options.Value.Latency, timeProvider, cancellationToken);
        // As for charges: the recorded answer stands, looked up first only where this attempt would not record one.
        var token = await ledger.TokenOfChargeAsync(request.ChargeReference, cancellationToken);
        var simulatesFailure = token == "tok_refund_fails" && attempt <= options.Value.RefundFailures;
        if ((attempt > 1 || simulatesFailure || token is null)
            && await ledger.FindAsync(request.IdempotencyKey, LedgerEntryKind.Refund, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        if (token is null)
        {
            return new ProviderResponse(false, null, "no_such_charge");
        }

        if (simulatesFailure)
        {
            throw new PaymentProviderException("The payment provider could not process the refund right now.");
        }

        var response = new ProviderResponse(true, $"re_{Guid.NewGuid():N}", null);
        var (answer, recorded) = await ledger.RecordAsync(
            new LedgerEntry(request.IdempotencyKey, LedgerEntryKind.Refund, response, null, request.Amount.Amount, request.Amount.Currency, timeProvider.GetUtcNow()),
            cancellationToken);
        if (recorded)
        {
            _refunds.Enqueue(new SimulatedTransaction(request.IdempotencyKey, response.Reference!, request.Amount.Amount, request.Amount.Currency, timeProvider.GetUtcNow()));
        }

        return answer;
    }

    /// <summary>Two concurrent attempts with one key, on any silo: the first answer recorded wins, as at a real provider.</summary>
    private async Task<ProviderResponse> RecordChargeAsync(ChargeRequest request, ProviderResponse response, CancellationToken cancellationToken)
    {
        var (answer, recorded) = await ledger.RecordAsync(
            new LedgerEntry(request.IdempotencyKey, LedgerEntryKind.Charge, response, request.PaymentToken, request.Amount.Amount, request.Amount.Currency, timeProvider.GetUtcNow()),
            cancellationToken);
        if (recorded && response.Approved)
        {
            _charges.Enqueue(new SimulatedTransaction(request.IdempotencyKey, response.Reference!, request.Amount.Amount, request.Amount.Currency, timeProvider.GetUtcNow()));
        }

        return answer;
    }
}

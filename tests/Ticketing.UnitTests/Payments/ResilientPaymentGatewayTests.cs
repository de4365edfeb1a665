using Microsoft.Extensions.Options;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Payments;
using Ticketing.Hosting.Payments;

namespace Ticketing.UnitTests.Payments;

/// <summary>The gateway's pipeline against a scripted provider: what trips the breaker, and how a charge is looked up.</summary>
public sealed class ResilientPaymentGatewayTests
{
    private static readonly Money Amount = new(10, "EUR");

    /// <summary>A provider whose every charge answers as <see cref="Charge"/> says; lookups read <see cref="Known"/>.</summary>
    private sealed class ScriptedProvider : IPaymentProvider
    {
        public Func<ChargeRequest, ProviderResponse> Charge { get; set; } = _ => new ProviderResponse(true, "ch_1", null);

        public Dictionary<string, ProviderResponse> Known { get; } = [];

        public int Calls { get; private set; }

        public Task<ProviderResponse> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(Charge(request));
        }

        public Task<ProviderResponse> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ProviderResponse(true, "re_1", null));

        public Task<ProviderResponse?> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(Known.GetValueOrDefault(idempotencyKey));
        }
    }

    private static ResilientPaymentGateway GatewayOver(IPaymentProvider provider) => new(provider, Options.Create(new PaymentResilienceOptions
    {
        MaxRetries = 0,
        BreakerMinimumThroughput = 4,
        BreakerFailureRatio = 0.5,
        BreakerSamplingDuration = TimeSpan.FromMinutes(1),
        BreakDuration = TimeSpan.FromMinutes(1),
    }), TimeProvider.System);

    private static ChargeRequest Request(int n) => new($"key-{n}", "tok", Amount, "test");

    [Fact]
    public async Task Declines_are_answers_and_never_open_the_circuit()
    {
        var provider = new ScriptedProvider { Charge = _ => new ProviderResponse(false, null, "card_declined") };
        var gateway = GatewayOver(provider);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(GatewayOutcome.Declined, (await gateway.ChargeAsync(Request(i))).Outcome);
        }

        provider.Charge = _ => new ProviderResponse(true, "ch_ok", null);
        var result = await gateway.ChargeAsync(Request(99));

        Assert.Equal((GatewayOutcome.Succeeded, "ch_ok"), (result.Outcome, result.Reference));
        Assert.Equal(21, provider.Calls);
    }

    [Fact]
    public async Task Provider_faults_open_the_circuit_but_lookups_still_reach_the_provider()
    {
        var provider = new ScriptedProvider { Charge = _ => throw new PaymentProviderException("503") };
        var gateway = GatewayOver(provider);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(GatewayOutcome.Unavailable, (await gateway.ChargeAsync(Request(i))).Outcome);
        }

        var refused = await gateway.ChargeAsync(Request(5));
        provider.Known["key-1"] = new ProviderResponse(true, "ch_found", null);
        var found = await gateway.GetChargeAsync("key-1");
        var missing = await gateway.GetChargeAsync("key-2");

        Assert.Equal((GatewayOutcome.Unavailable, 0), (refused.Outcome, refused.Attempts));
        Assert.Contains("circuit open", refused.Reason);
        Assert.Equal((GatewayOutcome.Succeeded, "ch_found", 1), (found.Outcome, found.Reference, found.Attempts));
        Assert.Equal((GatewayOutcome.NotFound, null), (missing.Outcome, missing.Reference));
        Assert.Equal(6, provider.Calls);
    }

    [Fact]
    public async Task A_looked_up_decline_is_reported_as_declined()
    {
        var provider = new ScriptedProvider();
        provider.Known["key-1"] = new ProviderResponse(false, null, "insufficient_funds");

        var result = await GatewayOver(provider).GetChargeAsync("key-1");

        Assert.Equal((GatewayOutcome.Declined, "insufficient_funds"), (result.Outcome, result.Reason));
    }

    [Fact]
    public async Task The_simulated_provider_knows_the_charges_it_made_by_their_key()
    {
        var provider = new SimulatedPaymentProvider(Options.Create(new SimulatedPaymentOptions { Latency = TimeSpan.Zero }), TimeProvider.System);

        var charged = await provider.ChargeAsync(new ChargeRequest("key-a", "tok_visa", Amount, "a"), CancellationToken.None);
        await provider.ChargeAsync(new ChargeRequest("key-b", "tok_declined", Amount, "b"), CancellationToken.None);

        Assert.Equal(charged, await provider.GetChargeAsync("key-a", CancellationToken.None));
        Assert.Equal("card_declined", (await provider.GetChargeAsync("key-b", CancellationToken.None))!.DeclineCode);
        Assert.Null(await provider.GetChargeAsync("key-c", CancellationToken.None));
        Assert.Single(provider.Charges);
    }

    [Fact]
    public async Task A_slow_card_succeeds_with_the_default_settings()
    {
        var defaults = new SimulatedPaymentOptions();
        Assert.True(defaults.Latency + defaults.SlowLatency < new PaymentResilienceOptions().AttemptTimeout,
            "tok_visa_slow must answer within one attempt.");
        var gateway = new ResilientPaymentGateway(new SimulatedPaymentProvider(Options.Create(defaults), TimeProvider.System),
            Options.Create(new PaymentResilienceOptions()), TimeProvider.System);

        var result = await gateway.ChargeAsync(new ChargeRequest("slow", "tok_visa_slow", Amount, "slow"));

        Assert.Equal((GatewayOutcome.Succeeded, 1), (result.Outcome, result.Attempts));
    }

    /// <summary>Its first charge never answers (it may have gone through); every later one fails at the provider.</summary>
    private sealed class SilentThenFailingProvider : IPaymentProvider
    {
        public int Calls { get; private set; }

        public async Task<ProviderResponse> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
        {
            if (++Calls == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            throw new PaymentProviderException("503");
        }

        public Task<ProviderResponse> RefundAsync(RefundRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ProviderResponse(true, "re_1", null));

        public Task<ProviderResponse?> GetChargeAsync(string idempotencyKey, CancellationToken cancellationToken) =>
            Task.FromResult<ProviderResponse?>(null);
    }

    [Fact]
    public async Task A_retry_that_fails_after_an_unanswered_attempt_leaves_the_outcome_unknown()
    {
        var provider = new SilentThenFailingProvider();
        var gateway = new ResilientPaymentGateway(provider, Options.Create(new PaymentResilienceOptions
        {
            MaxRetries = 1,
            AttemptTimeout = TimeSpan.FromMilliseconds(50),
            RetryBaseDelay = TimeSpan.Zero,
        }), TimeProvider.System);

        var result = await gateway.ChargeAsync(Request(1));

        // The first attempt may have charged: "failed" would release the seats of a paid booking; the booking must ask.
        Assert.Equal((GatewayOutcome.TimedOut, 2), (result.Outcome, result.Attempts));
        Assert.Contains("503", result.Reason);
        Assert.Equal(2, provider.Calls);
    }
}

using Microsoft.Extensions.Options;
using Ticketing.Grains.Abstractions;
using Ticketing.Grains.Payments;
using Ticketing.Hosting.Payments;
using Ticketing.Hosting.Schema;

namespace Ticketing.PostgresTests;

/// <summary>
/// The simulated provider's ledger in PostgreSQL, as two silos see it: two providers, each with its own ledger
/// instance (its own pool), on one database.
/// </summary>
public sealed class SimulatedPaymentLedgerTests
{
    private static readonly Money Amount = new(49, "EUR");

    private static SimulatedPaymentProvider ProviderOn(PostgresPaymentLedger ledger) =>
        new(Options.Create(new SimulatedPaymentOptions { Latency = TimeSpan.Zero, RefundFailures = 1 }), TimeProvider.System, ledger);

    [PostgresFact]
    public async Task A_retry_on_another_silo_gets_the_first_answer_and_charges_once()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var ledgerA = new PostgresPaymentLedger(database.ConnectionString);
        await using var ledgerB = new PostgresPaymentLedger(database.ConnectionString);
        var (siloA, siloB) = (ProviderOn(ledgerA), ProviderOn(ledgerB));
        var request = new ChargeRequest("booking-1-charge", "tok_visa", Amount, "Booking 1");

        var first = await siloA.ChargeAsync(request, CancellationToken.None);
        var retried = await siloB.ChargeAsync(request, CancellationToken.None);
        var lookedUp = await siloB.GetChargeAsync("booking-1-charge", CancellationToken.None);

        Assert.True(first.Approved);
        Assert.Equal(first, retried);
        Assert.Equal(first, lookedUp);
        Assert.Null(await siloB.GetChargeAsync("booking-2-charge", CancellationToken.None));
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT count(*) FROM ticketing_simulated_payments WHERE kind = 'charge'"));
        Assert.Equal((1, 0), (siloA.Charges.Count, siloB.Charges.Count));
    }

    [PostgresFact]
    public async Task Concurrent_attempts_with_one_key_on_two_silos_make_one_charge()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var ledgerA = new PostgresPaymentLedger(database.ConnectionString);
        await using var ledgerB = new PostgresPaymentLedger(database.ConnectionString);
        var providers = new[] { ProviderOn(ledgerA), ProviderOn(ledgerB) };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            providers[i % 2].ChargeAsync(new ChargeRequest("booking-9-charge", "tok_visa", Amount, "Booking 9"), CancellationToken.None)));

        Assert.Single(answers.Select(a => a.Reference).Distinct());
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT count(*) FROM ticketing_simulated_payments"));
        Assert.Equal(1, providers.Sum(p => p.Charges.Count));
    }

    [PostgresFact]
    public async Task A_refund_on_another_silo_or_after_a_restart_finds_its_charge_and_refunds_once()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var ledgerA = new PostgresPaymentLedger(database.ConnectionString);
        var charge = await ProviderOn(ledgerA).ChargeAsync(new ChargeRequest("booking-3-charge", "tok_refund_fails", Amount, "Booking 3"), CancellationToken.None);

        // A new process: nothing of the first one's memory is left.
        await using var ledgerB = new PostgresPaymentLedger(database.ConnectionString);
        var restarted = ProviderOn(ledgerB);
        var refund = new RefundRequest("booking-3-refund", charge.Reference!, Amount);
        await Assert.ThrowsAsync<PaymentProviderException>(() => restarted.RefundAsync(refund, CancellationToken.None));
        var refunded = await restarted.RefundAsync(refund, CancellationToken.None);
        var again = await ProviderOn(ledgerA).RefundAsync(refund, CancellationToken.None);

        Assert.True(refunded.Approved);
        Assert.StartsWith("re_", refunded.Reference);
        Assert.Equal(refunded, again);
        Assert.Equal(1, await database.ScalarAsync<int>("SELECT count(*) FROM ticketing_simulated_payments WHERE kind = 'refund'"));
        Assert.Equal("no_such_charge", (await restarted.RefundAsync(new RefundRequest("other-refund", "ch_unknown", Amount), CancellationToken.None)).DeclineCode);
    }

    [PostgresFact]
    public async Task A_declined_charge_stays_declined_for_every_retry()
    {
        await using var database = TestDatabase.Unborn();
        await SchemaMigrator.MigrateAsync(database.ConnectionString);
        await using var ledger = new PostgresPaymentLedger(database.ConnectionString);
        var provider = ProviderOn(ledger);

        var first = await provider.ChargeAsync(new ChargeRequest("booking-4-charge", "tok_declined", Amount, "Booking 4"), CancellationToken.None);
        var retried = await provider.ChargeAsync(new ChargeRequest("booking-4-charge", "tok_visa", Amount, "Booking 4"), CancellationToken.None);

        Assert.Equal((false, "card_declined"), (first.Approved, first.DeclineCode));
        Assert.Equal(first, retried);
        Assert.Empty(provider.Charges);
    }
}

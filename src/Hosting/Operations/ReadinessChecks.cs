using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Ticketing.Hosting.Operations;

/// <summary>
/// Ready when this process can serve grains: a silo that is Active in the membership, or a client that sees an
/// active silo. Not ready once shutdown has begun, so load balancers stop sending work before the silo drains.
/// </summary>
public sealed class OrleansReadinessCheck(IServiceProvider services, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("Shutting down.");
        }

        var membership = services.GetService<IClusterMembershipService>();
        var localSilo = services.GetService<ILocalSiloDetails>();
        if (membership is not null && localSilo is not null)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(localSilo.SiloAddress);
            return status == SiloStatus.Active
                ? HealthCheckResult.Healthy($"Silo {localSilo.SiloAddress} is active.")
                : HealthCheckResult.Unhealthy($"Silo {localSilo.SiloAddress} is {status}.");
        }

        try
        {
            var hosts = await services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0)
                .GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"Connected; {hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("Connected, but no silo is active.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", e);
        }
    }
}

/// <summary>Ready only while PostgreSQL answers, when it is configured.</summary>
public sealed class PostgresReadinessCheck(string connectionString) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer.", e);
        }
    }
}

namespace Ticketing.Hosting.Cluster;

/// <summary>
/// Lets the API, as an Orleans client, wait for the silos when it starts first (a pod rollout, or cluster.sh
/// started out of order) instead of failing at once and being restarted: it retries every two seconds for
/// <paramref name="patience"/>, then gives up so that the failure surfaces.
/// </summary>
public sealed class ClusterStartupRetryFilter(TimeSpan patience) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly DateTime _giveUpAt = DateTime.UtcNow + patience;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow >= _giveUpAt)
        {
            return false;
        }

        await Task.Delay(Interval, cancellationToken);
        return true;
    }
}

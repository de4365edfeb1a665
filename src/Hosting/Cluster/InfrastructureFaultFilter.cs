using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Ticketing.Grains.Abstractions;

namespace Ticketing.Hosting.Cluster;

/// <summary>
/// Every grain call on this silo: a database or network exception thrown by the grain leaves as a serializable
/// <see cref="InfrastructureUnavailableException"/> (logged here with its details), never as itself. A stale write
/// (<see cref="InconsistentStateException"/>) is Orleans' own, serializable, and passes unchanged.
/// </summary>
public sealed class InfrastructureFaultFilter(ILogger<InfrastructureFaultFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (ToFault(e) is { } fault)
        {
            logger.LogWarning(e, "{Grain}.{Method} failed on infrastructure; the caller gets a retryable fault", context.TargetId, context.MethodName);
            throw fault;
        }
    }

    /// <summary>The fault that stands for <paramref name="exception"/>, or null when it may cross a grain call as it is.</summary>
    public static InfrastructureUnavailableException? ToFault(Exception exception)
    {
        if (exception is InconsistentStateException or InfrastructureUnavailableException)
        {
            return null;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            var code = e switch
            {
                DbException db => db.SqlState is { } state ? $"database error {state}" : "database error",
                SocketException socket => $"network error {socket.SocketErrorCode}",
                _ => null,
            };
            if (code is not null)
            {
                // The message only: the original (its inner exceptions, its driver-specific fields) stays in this silo's log.
                return new InfrastructureUnavailableException($"Storage or network unavailable ({code}): {e.Message}");
            }
        }

        return null;
    }
}

using System.Net.Sockets;
using Npgsql;
using Orleans.Storage;
using Ticketing.Grains.Abstractions;
using Ticketing.Hosting.Cluster;

namespace Ticketing.UnitTests;

/// <summary>Which exceptions may not cross a grain call as themselves, and what stands for them.</summary>
public sealed class InfrastructureFaultFilterTests
{
    [Fact]
    public void A_postgres_error_becomes_a_fault_that_names_its_sql_state_and_carries_nothing_else()
    {
        var fault = InfrastructureFaultFilter.ToFault(new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"));

        Assert.NotNull(fault);
        Assert.Contains("53300", fault.Message, StringComparison.Ordinal);
        Assert.Contains("too many clients", fault.Message, StringComparison.Ordinal);
        Assert.Null(fault.InnerException);
        Assert.IsAssignableFrom<OrleansException>(fault);
    }

    [Fact]
    public void A_database_or_network_error_wrapped_by_a_storage_provider_is_found_inside()
    {
        var wrapped = new InvalidOperationException("write failed", new NpgsqlException("connection lost", new SocketException((int)SocketError.ConnectionReset)));

        var fault = InfrastructureFaultFilter.ToFault(wrapped);

        Assert.NotNull(fault);
        Assert.Contains("connection lost", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_connection_becomes_a_fault() =>
        Assert.Contains("ConnectionRefused", InfrastructureFaultFilter.ToFault(new SocketException((int)SocketError.ConnectionRefused))!.Message, StringComparison.Ordinal);

    [Fact]
    public void Serializable_and_domain_exceptions_pass_unchanged()
    {
        Assert.Null(InfrastructureFaultFilter.ToFault(new InconsistentStateException("stale", "1", "2")));
        Assert.Null(InfrastructureFaultFilter.ToFault(new InfrastructureUnavailableException("already a fault")));
        Assert.Null(InfrastructureFaultFilter.ToFault(new ArgumentException("bad seat")));
        Assert.Null(InfrastructureFaultFilter.ToFault(new TimeoutException()));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Ticketing.Grains.Abstractions;

namespace Ticketing.GrainTests;

/// <summary>The fault that stands for a storage or network failure must cross a grain call as itself.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FaultSerializationTests(ClusterFixture fixture)
{
    [Fact]
    public void The_infrastructure_fault_round_trips_through_the_orleans_serializer_with_its_type_and_message()
    {
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();
        Exception fault = new InfrastructureUnavailableException("Storage or network unavailable (database error 53300): too many clients");

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray(fault));

        var received = Assert.IsType<InfrastructureUnavailableException>(copy);
        Assert.Equal(fault.Message, received.Message);
        Assert.IsAssignableFrom<OrleansException>(received);
    }
}

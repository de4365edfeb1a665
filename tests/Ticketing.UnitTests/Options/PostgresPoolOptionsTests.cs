using Microsoft.Extensions.Options;
using Npgsql;
using Ticketing.Hosting.Cluster;
using static Ticketing.UnitTests.OptionsValidation.OptionsStartupValidation;

namespace Ticketing.UnitTests.OptionsValidation;

/// <summary>The per-host PostgreSQL pool budget ("Postgres"), applied where the hosts read the connection string.</summary>
public sealed class PostgresPoolOptionsTests
{
    private const string Server = "Host=db;Username=u;Password=p;Database=ticketing";

    private static int MaxPoolSizeOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).MaxPoolSize;

    [Fact]
    public void By_default_every_host_bounds_its_pool_at_14()
    {
        var connectionString = Settings(("ConnectionStrings:Ticketing", Server)).GetTicketingConnectionString()!;

        Assert.Equal(14, MaxPoolSizeOf(connectionString));
        Assert.Equal("db", new NpgsqlConnectionStringBuilder(connectionString).Host);
    }

    [Fact]
    public void The_budget_comes_from_configuration()
    {
        var connectionString = Settings(("ConnectionStrings:Ticketing", Server), ("Postgres:MaxPoolSize", "7")).GetTicketingConnectionString()!;

        Assert.Equal(7, MaxPoolSizeOf(connectionString));
    }

    [Theory]
    [InlineData("Maximum Pool Size=50")]
    [InlineData("maxpoolsize=50")]
    [InlineData("MaxPoolSize = 50")]
    public void A_pool_size_in_the_connection_string_is_the_operator_s_and_is_kept(string setting)
    {
        var connectionString = Settings(("ConnectionStrings:Ticketing", $"{Server};{setting}"), ("Postgres:MaxPoolSize", "7")).GetTicketingConnectionString()!;

        Assert.Equal(50, MaxPoolSizeOf(connectionString));
    }

    [Fact]
    public void A_minimum_above_the_budget_is_lowered_to_it()
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionBudget.Apply($"{Server};Minimum Pool Size=30", 20));

        Assert.Equal((20, 20), (builder.MaxPoolSize, builder.MinPoolSize));
    }

    [Fact]
    public void Pooled_connections_are_not_reset_on_close_unless_the_connection_string_says_so()
    {
        Assert.True(new NpgsqlConnectionStringBuilder(PostgresConnectionBudget.Apply(Server, 20)).NoResetOnClose);
        Assert.True(new NpgsqlConnectionStringBuilder(PostgresConnectionBudget.Apply($"{Server};Maximum Pool Size=50", 20)).NoResetOnClose);
        Assert.False(new NpgsqlConnectionStringBuilder(PostgresConnectionBudget.Apply($"{Server};No Reset On Close=false", 20)).NoResetOnClose);
    }

    [Fact]
    public void Without_a_connection_string_there_is_nothing_to_bound() =>
        Assert.Null(Settings(("Postgres:MaxPoolSize", "7")).GetTicketingConnectionString());

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("many")]
    public void A_bad_budget_stops_the_host_naming_its_key(string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() =>
            Settings(("ConnectionStrings:Ticketing", Server), ("Postgres:MaxPoolSize", value)).GetTicketingConnectionString());

        Assert.Contains("Postgres:MaxPoolSize", string.Join(" ", failure.Failures), StringComparison.Ordinal);
    }
}

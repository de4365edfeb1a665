using System.Text.Json;
using Ticketing.LiveBench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

var lines = options.Mode == "queue" ? await new QueueBench(options).RunAsync() : await new SseBench(options).RunAsync();
foreach (var line in lines)
{
    Console.WriteLine(JsonSerializer.Serialize(line));
}

return 0;

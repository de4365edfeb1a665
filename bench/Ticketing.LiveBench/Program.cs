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
var passed = true;
foreach (var line in lines)
{
    var json = JsonSerializer.SerializeToElement(line);
    passed &= !json.TryGetProperty("checksPassed", out var check) || check.GetBoolean();
    Console.WriteLine(json.GetRawText());
}

// A figure whose run did not do what it claims (a missed change, a lost join) must not pass unnoticed.
return passed ? 0 : 1;

using System.CommandLine;
using Orleans.Profiles.Benchmarks;

return await BenchmarkCommand.Build().Parse(args).InvokeAsync();

using System.CommandLine;
using Orleans.Profiles.Agent.Cli;
using Orleans.Profiles.Sync;

var parse = AgentCommands.Build().Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"profiles-agent: error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'profiles-agent --help' for usage.");
    return ExitCodes.BadInput;
}

return await parse.InvokeAsync();

using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>
/// Runs an FsCheck property with a seed that is printed before the run and in any failure, so every
/// run can be replayed: <c>PROFILES_HOSTILE_SEED=seed,gamma dotnet test --filter ...</c>. Without the
/// variable each run draws a fresh seed, so the suite explores new inputs every time it runs.
/// </summary>
public static class HostileCheck
{
    public const string SeedVariable = "PROFILES_HOSTILE_SEED";

    /// <summary>The most one property may take; the whole hostile suite takes well under it on two cores.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    public static async Task RunAsync<T>(ITestOutputHelper output, string name, Gen<T> gen, int cases, Func<T, Task> property, Func<T, IEnumerable<T>>? shrink = null)
    {
        var rnd = Seed();
        var seed = $"{rnd.Seed.ToString(CultureInfo.InvariantCulture)},{rnd.Gamma.ToString(CultureInfo.InvariantCulture)}";
        output.WriteLine($"{name}: {cases} cases, seed {seed} (replay: {SeedVariable}={seed})");
        var arbitrary = shrink is null ? Arb.From(gen) : Arb.From(gen, shrink);
        var config = Config.Quick
            .WithName(name)
            .WithMaxTest(cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(rnd, FSharpOption<int>.None)))
            .WithRunner(new OutputRunner(output, seed));

        // FsCheck waits for each case's task: run it on the thread pool, away from xunit's synchronisation context.
        // A generator that cannot be satisfied, or a request that hangs past its own timeout, fails the test rather than the run.
        await Task.Run(() => Check.One(config, Prop.ForAll(arbitrary, property))).WaitAsync(Budget);
    }

    private static Rnd Seed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        if (string.IsNullOrWhiteSpace(text))
        {
            // A fresh seed; the gamma of FsCheck's splittable generator must be odd.
            return new Rnd((ulong)System.Random.Shared.NextInt64(), (ulong)System.Random.Shared.NextInt64() | 1);
        }

        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            ? new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture))
            : new Rnd(ulong.Parse(parts[0], CultureInfo.InvariantCulture));
    }

    /// <summary>Writes FsCheck's verdict to the test output and fails the test, with the seed, when it is not a pass.</summary>
    private sealed class OutputRunner(ITestOutputHelper output, string seed) : IRunner
    {
        public void OnStartFixture(Type t)
        {
        }

        public void OnArguments(int ntest, FSharpList<object> args, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
        {
        }

        public void OnShrink(FSharpList<object> args, FSharpFunc<FSharpList<object>, string> everyShrink)
            => output.WriteLine($"shrunk to: {string.Join(", ", args)}");

        public void OnFinished(string name, TestResult testResult)
        {
            var verdict = Runner.onFinishedToString(name, testResult);
            output.WriteLine(verdict);
            if (!testResult.IsPassed)
            {
                throw new XunitException($"{verdict}{Environment.NewLine}Replay with {SeedVariable}={seed}");
            }
        }
    }
}

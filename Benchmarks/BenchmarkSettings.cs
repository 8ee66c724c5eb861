namespace Orleans.Profiles.Benchmarks;

/// <summary>What the command line asked for; the defaults are the (1,000 users, 10,000 activations), but the storm's (<see cref="DefaultStormUsers"/>).</summary>
public sealed class BenchmarkSettings
{
    public const int DefaultUsers = 1000;

    /// <summary>
    /// The storm's default: 1,000 users took 13.5 minutes on this 2-core machine (a 1 MiB push each to set up, then the
    /// two storms and their baselines), beyond a figure's few minutes; <c>--users 1000</c> runs the size.
    /// </summary>
    public const int DefaultStormUsers = 200;
    public const int DefaultActivations = 10_000;
    public const int DefaultStormProfileBytes = 1024 * 1024;

    /// <summary>An edited hive pair (base, edited) to measure; null: the benchmark generates hive pairs.</summary>
    public (string Base, string Edited)? HivePair { get; init; }

    /// <summary>Users in the logon and logoff storms and subscribers of the fan-out; null: each figure's default.</summary>
    public int? Users { get; init; }

    /// <summary>Idle profile grains activated for the memory figure.</summary>
    public int Activations { get; init; } = DefaultActivations;

    /// <summary>Where BENCHMARKS.md is written; null: only printed.</summary>
    public string? Out { get; init; }

    /// <summary>BenchmarkDotNet's short job (fewer iterations) instead of its default one.</summary>
    public bool Quick { get; init; }
}

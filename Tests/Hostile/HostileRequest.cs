using System.Text;

namespace Orleans.Profiles.Tests.Hostile;

/// <summary>What a request got: its result, or the exception the client saw.</summary>
public sealed record Outcome(object? Result, Exception? Error)
{
    public override string ToString() => Error is null
        ? $"success ({Result ?? "no result"})"
        : Describe(Error);

    /// <summary>The exception's type and the start of its message, and the same for what it wraps.</summary>
    private static string Describe(Exception error)
    {
        var message = error.Message.Split('\n')[0];
        var text = $"{error.GetType().FullName}: {(message.Length > 300 ? message[..300] + "…" : message)}";
        return error.InnerException is { } inner ? $"{text} (wrapping {Describe(inner)})" : text;
    }
}

/// <summary>
/// What a request must get: one exact <see cref="ProfileStoreException"/> subclass with the given
/// fields, or (for the few valid requests a generator makes) success with the given result.
/// </summary>
public sealed class Expect
{
    private readonly Action<Outcome> _verify;
    private readonly string _text;

    private Expect(string text, Action<Outcome> verify)
    {
        _text = text;
        _verify = verify;
    }

    /// <summary>True when the request is refused (so it must change nothing), false when it legitimately succeeds.</summary>
    public bool IsRefusal { get; private init; }

    public static Expect Fails<T>(Action<T>? check = null)
        where T : ProfileStoreException
        => new(typeof(T).Name, outcome =>
        {
            var error = outcome.Error ?? throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, but the request succeeded: {outcome}");
            if (error is not ProfileStoreException)
            {
                throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, but got an untyped error: {outcome}");
            }

            if (error.GetType() != typeof(T))
            {
                throw new Xunit.Sdk.XunitException($"expected {typeof(T).Name}, but got {outcome}");
            }

            check?.Invoke((T)error);
        })
        { IsRefusal = true };

    public static Expect Succeeds<T>(string what, Action<T> check)
        => new($"success: {what}", outcome =>
        {
            if (outcome.Error is { } error)
            {
                throw new Xunit.Sdk.XunitException($"expected success ({what}), but got {outcome}");
            }

            check(Assert.IsType<T>(outcome.Result));
        });

    /// <summary>Success of a call without a result (<see cref="Task"/>).</summary>
    public static Expect Succeeds(string what)
        => new($"success: {what}", outcome =>
        {
            if (outcome.Error is { } error)
            {
                throw new Xunit.Sdk.XunitException($"expected success ({what}), but got {outcome}");
            }
        });

    public void Verify(Outcome outcome) => _verify(outcome);

    public override string ToString() => _text;
}

/// <summary>One generated request: who sends it, what it calls, and what it must get.</summary>
/// <param name="Kind">"family:variant", what the ledger counts.</param>
/// <param name="Description">Enough to reproduce the request by hand.</param>
/// <param name="Token">The caller's token (null: none), or <see cref="NonStringToken"/>.</param>
public sealed record HostileRequest(string Kind, string Description, object? Token, Func<IGrainFactory, Task<object?>> Send, Expect Expect)
{
    /// <summary>A request context value of the wrong type where the token goes.</summary>
    public static readonly object NonStringToken = 42;

    public override string ToString() => $"[{Kind}] {Description} -> expect {Expect}";
}

public static class Show
{
    /// <summary>A string as C# would write it, control and unusual characters escaped, long ones cut.</summary>
    public static string Text(string? value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = new StringBuilder("\"");
        foreach (var c in value.Length > 80 ? value[..60] : value)
        {
            text.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => $"\\u{(int)c:X4}",
            });
        }

        text.Append('"');
        return value.Length > 80 ? $"{text}… ({value.Length} chars)" : text.ToString();
    }
}

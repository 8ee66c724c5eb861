using System.Reflection;
using Orleans.Profiles.Tests.Support;

namespace Orleans.Profiles.Tests.Unit;

/// <summary><c>--filter Category=Unit</c> is only the fast tier if every test class says which tier it is in.</summary>
[Trait(TestCategory.Name, TestCategory.Unit)]
public sealed class TestCategoryTests
{
    private static readonly string[] Tiers = [TestCategory.Unit, TestCategory.Grain, TestCategory.Contract, TestCategory.EndToEnd, TestCategory.Faults];

    [Fact]
    public void Every_test_class_carries_exactly_one_known_category()
    {
        var testClasses = typeof(TestCategoryTests).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()));

        var wrong = testClasses
            .Select(t => (t.FullName, Categories: Categories(t)))
            .Where(c => c.Categories.Length != 1 || !Tiers.Contains(c.Categories[0]))
            .Select(c => $"{c.FullName}: [{string.Join(", ", c.Categories)}]")
            .Order(StringComparer.Ordinal)
            .ToArray();

        // Every class in the message: an assertion on the collection would show only the first few.
        Assert.True(wrong.Length == 0, $"{wrong.Length} test class(es) without exactly one known Category trait:\n{string.Join('\n', wrong)}");
    }

    /// <summary>The values of the class's <c>Category</c> traits, as xunit reads them: from the attribute's constructor arguments.</summary>
    private static string[] Categories(Type type)
        => [.. type.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == TestCategory.Name)
            .Select(a => (string)a.ConstructorArguments[1].Value!)];
}

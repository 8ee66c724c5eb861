namespace Orleans.Profiles.Tests.Support;

public static class ObjectExtensions
{
    /// <summary>Casts, failing the test with the actual type when it is another.</summary>
    public static T As<T>(this object value) => Assert.IsType<T>(value);
}

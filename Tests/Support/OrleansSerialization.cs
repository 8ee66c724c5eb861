using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Orleans.Profiles.Tests.Support;

/// <summary>The Orleans serializer as a silo or client configures it, with the profile store's types.</summary>
public static class OrleansSerialization
{
    private static readonly Lazy<ServiceProvider> Services = new(() => new ServiceCollection()
        .AddSerializer(builder => builder
            .AddAssembly(typeof(ProfileStoreException).Assembly)
            .AddAssembly(typeof(ProfileState).Assembly))
        .BuildServiceProvider());

    public static Serializer Serializer => Services.Value.GetRequiredService<Serializer>();

    /// <summary>Serializes and deserializes <paramref name="value"/> as its declared type <typeparamref name="T"/>.</summary>
    public static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;
}

namespace Orleans.Profiles;

/// <summary>Reaches a profile's grains by its normalised key, so no caller can bypass normalisation.</summary>
public static class ProfileGrainFactoryExtensions
{
    public static IProfileGrain GetProfile(this IGrainFactory factory, ProfileKey key) => factory.GetGrain<IProfileGrain>(key.Value);

    public static IProfileUploadGrain GetProfileUpload(this IGrainFactory factory, ProfileKey key) => factory.GetGrain<IProfileUploadGrain>(key.Value);

    public static IChunkReaderGrain GetChunkReader(this IGrainFactory factory, ProfileKey key) => factory.GetGrain<IChunkReaderGrain>(key.Value);
}

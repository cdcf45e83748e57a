using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageTagger.Ai.Offline;

public static class OfflineAiServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="OfflineAiOptions"/> (section "OfflineAi", validated on start), <see cref="OfflineModels"/>
    /// and the three models as singletons: each loads its ONNX session on first use, once per process.
    /// </summary>
    public static IServiceCollection AddOfflineAi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OfflineAiOptions>()
            .Bind(configuration.GetSection(OfflineAiOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OfflineModels>();
        services.TryAddSingleton<MiniLmTextEmbedder>();
        services.TryAddSingleton<ResNetImageFeaturizer>();
        services.TryAddSingleton<PaddleOcr>();
        return services;
    }
}

using ImageTagger.Ai;
using ImageTagger.Ai.Offline;
using ImageTagger.Catalog;
using ImageTagger.Imaging;
using ImageTagger.Catalog.Crawling;
using ImageTagger.Processing.Analysis;
using ImageTagger.Processing.Crawling;
using ImageTagger.Processing.Description;
using ImageTagger.Processing.Embedding;
using ImageTagger.Processing.WriteBack;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Processing.Jobs;
using ImageTagger.Processing.Offline;
using ImageTagger.Processing.Scanning;
using ImageTagger.Processing.Watching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageTagger.Processing;

public static class ProcessingServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddCatalog();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<ProcessingOptions>()
            .Bind(builder.Configuration.GetSection(ProcessingOptions.SectionName))
            .Configure(o => o.ThumbnailRoot = builder.Configuration["Storage:ThumbnailRoot"] ?? o.ThumbnailRoot)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddOllamaAi(builder.Configuration);
        builder.Services.AddOfflineAi(builder.Configuration);
        builder.Services.AddImaging(builder.Configuration);

        // The io lane already decodes IoConcurrency images side by side: split the cores between them rather than
        // give every image libvips' default of a thread per core (more threads than cores only contend; on 2 cores,
        // one libvips thread per image ingests 4-13 % faster, bench/RESULTS.md).
        builder.Services.AddOptions<ImagingOptions>().PostConfigure<IOptions<ProcessingOptions>>((imaging, processing) =>
        {
            if (imaging.VipsConcurrency == 0)
            {
                imaging.VipsConcurrency = Math.Max(1, Environment.ProcessorCount / processing.Value.IoConcurrency);
            }
        });
        builder.Services.AddSingleton(sp => new ThumbnailStore(sp.GetRequiredService<IOptions<ProcessingOptions>>().Value.ThumbnailRoot));

        // Before the job workers (hosted services start in order): an old cache is clean before anything writes to it.
        builder.Services.AddHostedService<Imaging.Privacy.ThumbnailCacheScrubber>();

        builder.Services.AddSingleton<FolderScanner>();
        builder.Services.AddSingleton<IJobHandler, ScanFolderHandler>();
        builder.Services.AddSingleton<IJobHandler, AnalyzeHandler>();
        builder.Services.AddSingleton<IJobHandler, DescribeHandler>();
        builder.Services.AddSingleton<IJobHandler, EmbedHandler>();
        builder.Services.AddSingleton<IJobHandler, WriteBackHandler>();

        // Offline AI (issue 21): models in-process, no server; their own lane, so they run whether or not Ollama answers.
        builder.Services.AddHostedService<OfflineModelCheck>();
        builder.Services.AddSingleton<OfflineImageSource>();
        builder.Services.AddSingleton<IJobHandler, OcrHandler>();
        builder.Services.AddSingleton<IJobHandler, FeaturesHandler>();
        builder.Services.AddSingleton<IJobHandler, TextEmbedHandler>();

        builder.Services.AddOptions<CrawlOptions>()
            .Bind(builder.Configuration.GetSection(CrawlOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CrawlJobStore>();
        builder.Services.AddSingleton<CrawlFrontier>();
        builder.Services.AddSingleton<CrawlFetcher>();
        builder.Services.AddSingleton<IJobHandler, CrawlHandler>();

        builder.Services.AddSingleton<JobWakeup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobWakeup>());
        AddLane(builder.Services, "io", [JobKinds.ScanFolder, JobKinds.Analyze, JobKinds.WriteBack, JobKinds.Crawl], o => o.IoConcurrency);
        AddLane(builder.Services, "ai", [JobKinds.Describe, JobKinds.Embed], o => o.AiConcurrency);
        AddLane(builder.Services, "offline", [JobKinds.Ocr, JobKinds.Features, JobKinds.TextEmbed], o => o.OfflineConcurrency);

        builder.Services.AddHostedService<AiRecoveryService>();
        builder.Services.AddHostedService<JobCountFolder>();
        builder.Services.AddSingleton<JobPruner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobPruner>());
        builder.Services.AddSingleton<RescanScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RescanScheduler>());
        builder.Services.AddSingleton<FolderWatcherService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FolderWatcherService>());
        return builder;
    }

    // Registered as IHostedService directly: AddHostedService would collapse several lanes of one type into one.
    private static void AddLane(IServiceCollection services, string name, string[] kinds, Func<ProcessingOptions, int> concurrency) =>
        services.AddSingleton<IHostedService>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ProcessingOptions>>();
            return ActivatorUtilities.CreateInstance<JobWorker>(sp, new JobLane(name, kinds, concurrency(options.Value)));
        });
}

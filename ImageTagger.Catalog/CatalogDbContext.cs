using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Settings;
using ImageTagger.Catalog.Tags;
using ImageTagger.Catalog.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ImageTagger.Catalog;

public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<Image> Images => Set<Image>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<ImageTag> ImageTags => Set<ImageTag>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<CrawlJob> CrawlJobs => Set<CrawlJob>();
    public DbSet<CrawlPage> CrawlPages => Set<CrawlPage>();
    public DbSet<CrawlImage> CrawlImages => Set<CrawlImage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);
        modelBuilder.UseSnakeCaseNames();
    }
}

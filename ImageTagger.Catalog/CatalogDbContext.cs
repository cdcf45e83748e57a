using ImageTagger.Catalog.Crawling;
using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Folders;
using ImageTagger.Catalog.Images;
using ImageTagger.Catalog.Jobs;
using ImageTagger.Catalog.Settings;
using ImageTagger.Catalog.Tags;
using ImageTagger.Catalog.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace ImageTagger.Catalog;

public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<Image> Images => Set<Image>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<ImageTag> ImageTags => Set<ImageTag>();
    public DbSet<ImageEmbedding> ImageEmbeddings => Set<ImageEmbedding>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Setting> Settings => Set<Setting>();
    public DbSet<CrawlJob> CrawlJobs => Set<CrawlJob>();
    public DbSet<CrawlPage> CrawlPages => Set<CrawlPage>();
    public DbSet<CrawlImage> CrawlImages => Set<CrawlImage>();

    /// <summary>What every options builder of this context needs, whoever builds it: pgvector types and our history table.</summary>
    public static void ConfigureNpgsql(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.UseVector().MigrationsHistoryTable(MigrationsHistoryTable);

    /// <summary>
    /// A context on a connection the caller owns (and its transaction, through <c>UseTransactionAsync</c>), so EF
    /// and hand-written SQL commit together. It has no retrying strategy: the caller's transaction is the unit.
    /// </summary>
    public static CatalogDbContext ForConnection(NpgsqlConnection connection) =>
        new(new DbContextOptionsBuilder<CatalogDbContext>().UseNpgsql(connection, ConfigureNpgsql).Options);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CatalogDbContext).Assembly);
        VectorSql.Register(modelBuilder);
        modelBuilder.UseSnakeCaseNames();
    }
}

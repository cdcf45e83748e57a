using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Crawling;

internal sealed class CrawlPageConfiguration : IEntityTypeConfiguration<CrawlPage>
{
    public void Configure(EntityTypeBuilder<CrawlPage> builder)
    {
        builder.ToTable("crawl_pages");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).UseIdentityAlwaysColumn();
        builder.Property(p => p.Url).IsRequired();
        builder.Property(p => p.State).HasConversion<string>();
        builder.HasOne<CrawlJob>().WithMany().HasForeignKey(p => p.CrawlJobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => new { p.CrawlJobId, p.Url }).IsUnique();
        builder.HasIndex(p => new { p.CrawlJobId, p.State, p.Depth });
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
    }
}

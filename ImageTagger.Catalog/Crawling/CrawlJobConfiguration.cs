using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Crawling;

internal sealed class CrawlJobConfiguration : IEntityTypeConfiguration<CrawlJob>
{
    public void Configure(EntityTypeBuilder<CrawlJob> builder)
    {
        builder.ToTable("crawl_jobs");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        builder.Property(c => c.StartUrl).IsRequired();
        builder.Property(c => c.State).HasConversion<string>();
        builder.Property(c => c.IncludePatterns).HasColumnType("text[]");
        builder.Property(c => c.ExcludePatterns).HasColumnType("text[]");
        builder.HasOne(c => c.Folder).WithMany().HasForeignKey(c => c.FolderId).OnDelete(DeleteBehavior.SetNull);
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
        builder.Ignore(c => c.IsFinished);
    }
}

using ImageTagger.Catalog.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Crawling;

internal sealed class CrawlImageConfiguration : IEntityTypeConfiguration<CrawlImage>
{
    public void Configure(EntityTypeBuilder<CrawlImage> builder)
    {
        builder.ToTable("crawl_images");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).UseIdentityAlwaysColumn();
        builder.Property(i => i.Url).IsRequired();
        builder.Property(i => i.PageUrl).IsRequired();
        builder.Property(i => i.State).HasConversion<string>();
        builder.HasOne<CrawlJob>().WithMany().HasForeignKey(i => i.CrawlJobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Image>().WithMany().HasForeignKey(i => i.ImageId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(i => new { i.CrawlJobId, i.Url }).IsUnique();
        builder.HasIndex(i => new { i.CrawlJobId, i.State });
        builder.HasIndex(i => new { i.CrawlJobId, i.Checksum });
        builder.HasIndex(i => i.ImageId);
        builder.Property(i => i.CreatedAt).HasDefaultValueSql("now()");
    }
}

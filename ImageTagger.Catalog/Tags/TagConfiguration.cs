using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Tags;

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> builder)
    {
        builder.ToTable("tags");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).UseIdentityAlwaysColumn();
        builder.HasIndex(t => t.NormalizedName).IsUnique();
        // Kept by a trigger on image_tags; EF must never write it.
        var usage = builder.Property(t => t.UsageCount).ValueGeneratedOnAddOrUpdate().Metadata;
        usage.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        usage.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
    }
}

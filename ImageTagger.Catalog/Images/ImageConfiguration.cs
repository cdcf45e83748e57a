using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Images;

internal sealed class ImageConfiguration : IEntityTypeConfiguration<Image>
{
    public void Configure(EntityTypeBuilder<Image> builder)
    {
        builder.ToTable("images");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).UseIdentityAlwaysColumn();
        builder.HasOne(i => i.Folder).WithMany().HasForeignKey(i => i.FolderId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => i.Path).IsUnique();
        builder.HasIndex(i => i.Checksum);
        builder.HasIndex(i => new { i.FolderId, i.Status });
        builder.Property(i => i.Status).HasConversion<string>();
        builder.Property(i => i.Exif).HasColumnType("jsonb");
        builder.Property(i => i.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(i => i.UpdatedAt).HasDefaultValueSql("now()");
        builder.HasMany(i => i.Tags).WithOne(t => t.Image).HasForeignKey(t => t.ImageId);
    }
}

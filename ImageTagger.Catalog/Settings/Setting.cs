using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImageTagger.Catalog.Settings;

/// <summary>A setting a user changed at run time (overrides configuration); value is JSON.</summary>
public sealed class Setting
{
    public required string Key { get; set; }
    public required JsonDocument Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SettingConfiguration : IEntityTypeConfiguration<Setting>
{
    public void Configure(EntityTypeBuilder<Setting> builder)
    {
        builder.ToTable("settings");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Value).HasColumnType("jsonb");
        builder.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
    }
}

using System.ComponentModel.DataAnnotations;

namespace ImageTagger.Api.GraphQL;

/// <summary>Limits against abusive queries (section "GraphQL").</summary>
public sealed class GraphQLLimitsOptions
{
    public const string SectionName = "GraphQL";

    [Range(1, 50)]
    public int MaxDepth { get; set; } = 12;

    [Range(1, 10_000)]
    public int MaxAliases { get; set; } = 50;

    [Range(1, 100_000)]
    public int MaxFields { get; set; } = 1_000;

    [Range(1, 10_000_000)]
    public int MaxComplexity { get; set; } = 25_000;

    [Range(1_000, 10_000_000)]
    public int MaxDocumentBytes { get; set; } = 64 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

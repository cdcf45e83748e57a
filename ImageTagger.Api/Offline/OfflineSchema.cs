using ImageTagger.Api.GraphQL;
using ImageTagger.Api.Security;
using ImageTagger.Catalog.Images;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Relay;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.Api.Offline;

public sealed record TagSuggestionNode(long TagId, string Name, double Score, int Neighbours);

public sealed record TagSuggestionPayload(ImageNode? Image, IReadOnlyList<UserError> Errors);

/// <summary>
/// The offline AI part of the schema (issue 21): OCR text and visual neighbours on Image, tag suggestions with
/// accept/dismiss, and what the offline models can and cannot do.
/// </summary>
public static class OfflineSchema
{
    public static void Configure(SchemaBuilder schema, Func<IResolverContext, long, Task<ImageNode?>> loadImage)
    {
        schema.Object<OfflineCapability>("OfflineCapability", o => o
            .Description("Something the offline models (no AI server) can or cannot do.")
            .Field("feature", "String!").Field("available", "Boolean!").Field("model", "String").Field("note", "String!"));
        schema.Object<OfflineAiStatus>("OfflineAiStatus", o => o
            .Description("The offline models: stage switches (settings OfflineAi:Ocr, OfflineAi:Features, OfflineAi:TextEmbeddings), model files, capabilities.")
            .Field("ocrEnabled", "Boolean!").Field("featuresEnabled", "Boolean!").Field("textEmbeddingsEnabled", "Boolean!")
            .Field("modelsPresent", "Boolean!", f => f.Description("Whether the model files of the enabled stages are in place."))
            .Field("error", "String", f => f.Description("Which model files are missing and how to get them."))
            .Field("capabilities", "[OfflineCapability!]!"));
        schema.Object<TagSuggestionNode>("TagSuggestion", o => o
            .Description("A tag offered for an image because visually similar images you tagged carry it (source SUGGESTION once accepted).")
            .Field("tagId", "ID!", ctx => GlobalId.Encode("Tag", ctx.Parent<TagSuggestionNode>().TagId))
            .Field("name", "String!")
            .Field("score", "Float!", f => f.Description("Similarity-weighted share of the visual neighbours carrying the tag (0-1)."))
            .Field("neighbours", "Int!", f => f.Description("How many visually similar images carry the tag.")));
        schema.Object<TagSuggestionPayload>("TagSuggestionPayload", o => o.Field("image", "Image").Field("errors", "[UserError!]!"));

        schema.Object("Image", o => o
            .Field("ocrText", "String", f => f.Description("Text read from the picture by the offline OCR model, lines top to bottom; null until read, empty when there is none."))
            .Field("ocrConfidence", "Float", f => f.Description("Mean recognition confidence (0-1) of the OCR text; null when none was found."))
            .Field("ocrAt", "DateTime")
            .Field("visuallySimilar", "[SimilarImage!]!", f => f
                .Description("Visually nearest images by the offline image features (ResNet18), with no AI server.")
                .Cost(10)
                .Argument("first", "Int", a => a.Default(12))
                .Resolve(ctx => NeighboursAsync(ctx, loadImage, (s, id, ct) => s.VisuallySimilarAsync(id, Math.Clamp(ctx.ArgumentOrDefault("first", 12), 1, 100), ct))))
            .Field("nearDuplicates", "[SimilarImage!]!", f => f
                .Description("Images that look the same but have other bytes (resized, re-encoded, lightly edited): feature similarity at least OfflineAi:NearDuplicateSimilarity.")
                .Cost(10)
                .Resolve(ctx => NeighboursAsync(ctx, loadImage, (s, id, ct) => s.NearDuplicatesAsync(id, 50, ct))))
            .Field("exactDuplicates", "[Image!]!", f => f
                .Description("Other files with exactly the same bytes (each has duplicateOf pointing here).")
                .Cost(5)
                .Resolve(ctx => ctx.With<OfflineAiService, List<ImageNode>>(async (s, ct) =>
                    (await s.ExactDuplicatesAsync(ctx.Parent<ImageNode>().Id, ct)).Select(ImageNode.From).ToList())))
            .Field("tagSuggestions", "[TagSuggestion!]!", f => f
                .Description("Tags your visually similar tagged images carry and this one lacks (none once the vision model tagged it); dismissed ones are not offered again.")
                .Cost(10)
                .Argument("first", "Int", a => a.Default(5))
                .Resolve(ctx => ctx.With<OfflineAiService, List<TagSuggestionNode>>(async (s, ct) =>
                    (await s.SuggestionsAsync(ctx.Parent<ImageNode>().Id, Math.Clamp(ctx.ArgumentOrDefault("first", 5), 1, 50), ct))
                        .Select(t => new TagSuggestionNode(t.TagId, t.Name, t.Score, t.Neighbours)).ToList()))));

        schema.Query(q => q
            .Field("offlineAi", "OfflineAiStatus!", f => f
                .Description("What works with no AI server: the offline models' switches, files and capabilities.")
                .Resolve(ctx => ctx.With<OfflineAiService, OfflineAiStatus>((s, _) => Task.FromResult(s.Status())))));

        schema.Mutation(m => m
            .Field("acceptTagSuggestion", "TagSuggestionPayload!", f => f
                .Description("Puts a suggested tag on the image, with source SUGGESTION.")
                .Argument("imageId", "ID!").Argument("tagId", "ID!")
                .Resolve(ctx => DecideAsync(ctx, (s, image, tag, ct) => s.AcceptAsync(image, tag, ct))))
            .Field("dismissTagSuggestion", "TagSuggestionPayload!", f => f
                .Description("Stops offering a suggested tag for the image.")
                .Argument("imageId", "ID!").Argument("tagId", "ID!")
                .Resolve(ctx => DecideAsync(ctx, (s, image, tag, ct) => s.DismissAsync(image, tag, ct)))));
    }

    private static async Task<IReadOnlyList<GraphQL.SimilarImage>> NeighboursAsync(
        IResolverContext ctx, Func<IResolverContext, long, Task<ImageNode?>> loadImage, Func<OfflineAiService, long, CancellationToken, Task<IReadOnlyList<Catalog.Similarity.SimilarImage>>> find)
    {
        var hits = await ctx.With<OfflineAiService, IReadOnlyList<Catalog.Similarity.SimilarImage>>((s, ct) => find(s, ctx.Parent<ImageNode>().Id, ct));
        var nodes = await Task.WhenAll(hits.Select(h => loadImage(ctx, h.ImageId)));
        return hits.Zip(nodes).Where(p => p.Second is not null).Select(p => new GraphQL.SimilarImage(p.Second!, p.First.Similarity)).ToList();
    }

    private static async Task<TagSuggestionPayload> DecideAsync(IResolverContext ctx, Func<OfflineAiService, long, long, CancellationToken, Task<Image?>> decide)
    {
        WriteAccess.Demand(ctx);
        var imageId = ResolverScope.ParseId(ctx.Argument<string>("imageId"), "Image");
        var tagId = ResolverScope.ParseId(ctx.Argument<string>("tagId"), "Tag");
        var image = await ctx.With<OfflineAiService, Image?>((s, ct) => decide(s, imageId, tagId, ct));
        return image is null
            ? new TagSuggestionPayload(null, [new UserError("NOT_FOUND", $"No image with id {imageId}.", "imageId")])
            : new TagSuggestionPayload(ImageNode.From(image), []);
    }
}

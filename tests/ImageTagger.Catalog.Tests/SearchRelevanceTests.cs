using ImageTagger.Catalog.Embeddings;
using ImageTagger.Catalog.Search;
using ImageTagger.TestSupport.Ollama;
using ImageTagger.TestSupport.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImageTagger.Catalog.Tests;

public sealed class RelevanceDatabase : CatalogDatabase
{
    public override int EmbeddingDimensions => 256;
}

/// <summary>
/// A labelled fixture: 300 image descriptions in 30 topics, written the way a vision model varies its words
/// (a bike is also a bicycle, a cyclist, cycling), and one query per topic with the topic's images as the
/// relevant set. Embeddings come from the deterministic loopback embedder (words + character trigrams).
/// Keyword search finds exact and stemmed words; semantic search finds related word forms; hybrid should beat both.
/// </summary>
public sealed class SearchRelevanceTests(RelevanceDatabase database) : IClassFixture<RelevanceDatabase>
{
    private const string Model = "relevance-embed";

    private sealed record Topic(string Query, string[] Subjects, string[] Tags);

    private static readonly Topic[] s_topics =
    [
        new("dog", ["dog", "puppy", "hound", "dogs", "retriever"], ["dog", "pet", "puppy"]),
        new("cat", ["cat", "kitten", "kitty", "cats", "tabby"], ["cat", "pet", "kitten"]),
        new("bicycle", ["bicycle", "bike", "cyclist", "cycling", "bicycles"], ["bicycle", "bike", "cycling"]),
        new("car", ["car", "automobile", "sedan", "cars", "hatchback"], ["car", "vehicle", "automobile"]),
        new("beach", ["beach", "shore", "seaside", "beaches", "coastline"], ["beach", "sand", "coast"]),
        new("mountain", ["mountain", "mountains", "peak", "summit", "mountainside"], ["mountain", "peak", "alpine"]),
        new("forest", ["forest", "woods", "woodland", "forests", "rainforest"], ["forest", "tree", "woodland"]),
        new("skyline", ["skyline", "skyscrapers", "cityscape", "downtown towers", "high-rise skyline"], ["skyline", "city", "skyscraper"]),
        new("flowers", ["flowers", "blossoms", "flower bed", "bouquet", "wildflowers"], ["flower", "blossom", "garden"]),
        new("bird", ["bird", "birds", "sparrow", "seagull", "songbird"], ["bird", "wildlife", "feather"]),
        new("sailboat", ["sailboat", "sailing boat", "yacht", "sailboats", "sailing dinghy"], ["sailboat", "boat", "sailing"]),
        new("pizza", ["pizza", "pizzas", "margherita pizza", "pizza slice", "pepperoni pizza"], ["pizza", "food", "italian"]),
        new("snow", ["snow", "snowfall", "snowy field", "snowdrift", "snowflakes"], ["snow", "winter", "cold"]),
        new("waterfall", ["waterfall", "waterfalls", "cascade", "falls", "cascading water"], ["waterfall", "water", "river"]),
        new("train", ["train", "locomotive", "railway", "trains", "railroad"], ["train", "railway", "transport"]),
        new("bridge", ["bridge", "bridges", "suspension bridge", "footbridge", "viaduct"], ["bridge", "architecture", "river"]),
        new("horse", ["horse", "horses", "pony", "stallion", "foal"], ["horse", "animal", "farm"]),
        new("lighthouse", ["lighthouse", "lighthouses", "beacon tower", "light tower", "lighthouse keeper"], ["lighthouse", "coast", "tower"]),
        new("guitar", ["guitar", "guitars", "acoustic guitar", "guitarist", "electric guitar"], ["guitar", "music", "instrument"]),
        new("coffee", ["coffee", "espresso", "cappuccino", "latte", "coffee cup"], ["coffee", "drink", "cafe"]),
        new("sunset", ["sunset", "sunsets", "dusk", "evening sun", "setting sun"], ["sunset", "sky", "evening"]),
        new("desert", ["desert", "deserts", "sand dunes", "dunes", "arid desert"], ["desert", "dune", "sand"]),
        new("butterfly", ["butterfly", "butterflies", "moth", "monarch butterfly", "swallowtail"], ["butterfly", "insect", "wing"]),
        new("castle", ["castle", "castles", "fortress", "citadel", "castle ruins"], ["castle", "history", "stone"]),
        new("airplane", ["airplane", "aeroplane", "aircraft", "airliner", "jet plane"], ["airplane", "aircraft", "flight"]),
        new("children playing", ["children playing", "kids playing", "child playing", "children at play", "playing kids"], ["child", "play", "family"]),
        new("lake", ["lake", "lakes", "lakeside", "pond", "lakeshore"], ["lake", "water", "reflection"]),
        new("bread", ["bread", "loaf", "baguette", "bread rolls", "sourdough bread"], ["bread", "bakery", "food"]),
        new("tennis", ["tennis", "tennis court", "tennis player", "tennis racket", "tennis match"], ["tennis", "sport", "court"]),
        new("fireworks", ["fireworks", "firework", "pyrotechnics", "fireworks display", "firework show"], ["firework", "night", "celebration"]),
    ];

    private static readonly string[] s_settings = ["in soft morning light", "on a cloudy afternoon", "under a clear blue sky", "at night", "in the rain", "seen from above", "in a busy street", "in a quiet park"];
    private static readonly string[] s_frames = ["A photo of {0} {1}.", "Close-up of {0} {1}, sharp and detailed.", "Wide shot showing {0} {1}.", "{0} {1}, with people in the background.", "An old snapshot of {0} {1}."];

    private static async Task<Dictionary<int, HashSet<long>>> SeedAsync(CatalogDatabase database, EmbeddingStore store, CancellationToken ct)
    {
        var random = new Random(20261121);
        var relevant = new Dictionary<int, HashSet<long>>();
        await using var db = database.CreateDbContext();
        var folder = await CatalogTestData.AddFolderAsync(db, ct);
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        for (var t = 0; t < s_topics.Length; t++)
        {
            relevant[t] = [];
            for (var n = 0; n < 10; n++)
            {
                var topic = s_topics[t];
                var subject = topic.Subjects[random.Next(topic.Subjects.Length)];
                var description = string.Format(System.Globalization.CultureInfo.InvariantCulture, s_frames[random.Next(s_frames.Length)], subject, s_settings[random.Next(s_settings.Length)]);
                description = char.ToUpperInvariant(description[0]) + description[1..];
                var tags = topic.Tags.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToList();
                long id;
                await using (var insert = new NpgsqlCommand(
                    "INSERT INTO images (folder_id, path, file_name, modified_at, description, status) VALUES (@f, @p, @n, now(), @d, 'Done') RETURNING id",
                    connection))
                {
                    insert.Parameters.AddWithValue("f", folder.Id);
                    insert.Parameters.AddWithValue("p", $"/relevance/IMG_{t:00}{n:00}.jpg");
                    insert.Parameters.AddWithValue("n", $"IMG_{t:00}{n:00}.jpg");
                    insert.Parameters.AddWithValue("d", description);
                    id = (long)(await insert.ExecuteScalarAsync(ct))!;
                }

                await Tags.TagStore.ReplaceForSourceAsync(connection, null, id, Tags.TagSource.Ai, tags, ct);
                var text = $"search_document: {description} Tags: {string.Join(", ", tags)}";
                await store.UpsertAsync(connection, null, id, Model, DeterministicEmbedder.Embed(text, database.EmbeddingDimensions), "seed", ct);
                relevant[t].Add(id);
            }
        }

        return relevant;
    }

    private static double NdcgAt10(IReadOnlyList<long> ranked, HashSet<long> relevant)
    {
        double dcg = 0, ideal = 0;
        for (var i = 0; i < 10; i++)
        {
            var discount = 1 / Math.Log2(i + 2);
            if (i < ranked.Count && relevant.Contains(ranked[i]))
            {
                dcg += discount;
            }

            if (i < relevant.Count)
            {
                ideal += discount;
            }
        }

        return dcg / ideal;
    }

    [Fact]
    public async Task Hybrid_search_ranks_better_than_keyword_or_semantic_alone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var services = database.CreateServices();
        var store = services.GetRequiredService<EmbeddingStore>();
        var search = services.GetRequiredService<ImageSearch>();
        var relevant = await SeedAsync(database, store, ct);

        var scores = new Dictionary<SearchMode, List<double>> { [SearchMode.Keyword] = [], [SearchMode.Semantic] = [], [SearchMode.Hybrid] = [] };
        for (var t = 0; t < s_topics.Length; t++)
        {
            var query = s_topics[t].Query;
            var embedding = new QueryEmbedding(Model, DeterministicEmbedder.Embed("search_query: " + query, database.EmbeddingDimensions));
            foreach (var mode in scores.Keys)
            {
                var result = await search.SearchAsync(new SearchRequest(query, mode) { Limit = 10, MinSimilarity = 0.0 }, mode == SearchMode.Keyword ? null : embedding, ct);
                scores[mode].Add(NdcgAt10(result.Hits.Select(h => h.ImageId).ToList(), relevant[t]));
            }
        }

        var keyword = scores[SearchMode.Keyword].Average();
        var semantic = scores[SearchMode.Semantic].Average();
        var hybrid = scores[SearchMode.Hybrid].Average();
        TestContext.Current.TestOutputHelper?.WriteLine($"nDCG@10 over {s_topics.Length} queries: keyword {keyword:0.000}, semantic {semantic:0.000}, hybrid {hybrid:0.000}");
        Assert.True(hybrid > keyword, $"hybrid {hybrid:0.000} should beat keyword {keyword:0.000}");
        Assert.True(hybrid > semantic, $"hybrid {hybrid:0.000} should beat semantic {semantic:0.000}");
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Catalog.Search;

/// <summary>
/// Keyword (PostgreSQL full text: weighted, stemmed, prefix), fuzzy tag matching (pg_trgm), semantic
/// (pgvector HNSW, cosine, with a similarity cut-off) and hybrid (reciprocal rank fusion of both), in one
/// SQL statement each. Filters sit inside every branch so paging never drops filtered hits.
/// </summary>
public sealed class ImageSearch(NpgsqlDataSource dataSource, IOptions<SearchOptions> searchOptions, IOptions<EmbeddingOptions> embeddingOptions)
{
    private readonly SearchOptions _options = searchOptions.Value;
    private readonly int _dimensions = embeddingOptions.Value.Dimensions;

    /// <summary>
    /// Runs the search. Without <paramref name="queryEmbedding"/> (embedding model unreachable), semantic and
    /// hybrid fall back to keyword and say so in <see cref="SearchResult.Notice"/>, never an error.
    /// </summary>
    public async Task<SearchResult> SearchAsync(SearchRequest request, QueryEmbedding? queryEmbedding, CancellationToken cancellationToken = default)
    {
        var mode = request.Mode;
        string? notice = null;
        if (mode != SearchMode.Keyword && queryEmbedding is null)
        {
            notice = "Semantic search is unavailable (the embedding model could not be reached); showing keyword results.";
            mode = SearchMode.Keyword;
        }

        if (queryEmbedding is not null && queryEmbedding.Vector.Length != _dimensions)
        {
            throw new ArgumentException($"Query embedding has {queryEmbedding.Vector.Length} dimensions, the catalog {_dimensions}.", nameof(queryEmbedding));
        }

        var words = QueryWords(request.Query);
        var useKeyword = mode != SearchMode.Semantic && words.Count > 0;
        var useSemantic = mode != SearchMode.Keyword;
        if (!useKeyword && !useSemantic)
        {
            return new SearchResult([], 0, mode, notice ?? "Type a word to search.");
        }

        var depth = Math.Clamp(request.Offset + request.Limit, _options.CandidateDepth, 5000);
        var sql = BuildSql(useKeyword, useSemantic, request.Filters);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (useSemantic)
        {
            await using var set = new NpgsqlCommand(
                $"SET LOCAL hnsw.ef_search = {Math.Min(1000, Math.Max(depth, 40)).ToString(CultureInfo.InvariantCulture)}; SET LOCAL hnsw.iterative_scan = relaxed_order",
                connection,
                transaction);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("depth", depth);
        command.Parameters.AddWithValue("rrfK", (double)_options.RrfK);
        command.Parameters.AddWithValue("offset", request.Offset);
        command.Parameters.AddWithValue("limit", request.Limit);
        AddFilterParameters(command, request.Filters);
        if (useKeyword)
        {
            command.Parameters.AddWithValue("allWords", string.Join(" & ", words.Select(w => w + ":*")));
            command.Parameters.AddWithValue("anyWord", string.Join(" | ", words.Select(w => w + ":*")));
            command.Parameters.AddWithValue("wanted", (long)(request.Offset + request.Limit));
            command.Parameters.AddWithValue("words", words.Where(w => w.Length >= 4).ToArray());
            command.Parameters.AddWithValue("fuzzy", _options.FuzzyThreshold);
        }

        if (useSemantic)
        {
            command.Parameters.Add(new NpgsqlParameter("vector", NpgsqlDbType.Array | NpgsqlDbType.Real) { Value = queryEmbedding!.Vector });
            command.Parameters.AddWithValue("model", queryEmbedding.Model);
            command.Parameters.AddWithValue("maxDistance", 1.0 - (request.MinSimilarity ?? _options.MinSimilarity));
        }

        var hits = new List<SearchHit>(request.Limit);
        var total = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                total = (int)reader.GetInt64(5);
                var signals = SearchSignals.None;
                if (reader.GetBoolean(2))
                {
                    signals |= SearchSignals.FullText;
                }

                if (reader.GetBoolean(3))
                {
                    signals |= SearchSignals.FuzzyTag;
                }

                double? similarity = reader.IsDBNull(4) ? null : 1.0 - reader.GetDouble(4);
                if (similarity is not null)
                {
                    signals |= SearchSignals.Semantic;
                }

                hits.Add(new SearchHit(reader.GetInt64(0), reader.GetDouble(1), signals, reader.IsDBNull(6) ? null : reader.GetDouble(6), similarity));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new SearchResult(hits, total, mode, notice);
    }

    /// <summary>Query words reduced to letters and digits: safe to place in a tsquery, and what trigram matching compares.</summary>
    public static IReadOnlyList<string> QueryWords(string query)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in query.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words.Distinct().Take(32).ToList();
    }

    private static string FilterSql(SearchFilters filters)
    {
        var sql = new StringBuilder("i.status NOT IN ('Missing', 'Duplicate')");
        if (filters.FolderId is not null)
        {
            sql.Append(" AND i.folder_id = @folderId");
        }

        if (filters.Tags.Count > 0)
        {
            sql.Append(" AND (SELECT count(DISTINCT ft.normalized_name) FROM image_tags fit JOIN tags ft ON ft.id = fit.tag_id WHERE fit.image_id = i.id AND ft.normalized_name = ANY(@filterTags)) = @filterTagCount");
        }

        if (filters.TakenFrom is not null)
        {
            sql.Append(" AND i.taken_at >= @takenFrom");
        }

        if (filters.TakenTo is not null)
        {
            sql.Append(" AND i.taken_at < @takenTo");
        }

        return sql.ToString();
    }

    private static void AddFilterParameters(NpgsqlCommand command, SearchFilters filters)
    {
        if (filters.FolderId is { } folderId)
        {
            command.Parameters.AddWithValue("folderId", folderId);
        }

        if (filters.Tags.Count > 0)
        {
            var tags = filters.Tags.Select(t => t.Trim().ToLowerInvariant()).Distinct().ToArray();
            command.Parameters.AddWithValue("filterTags", tags);
            command.Parameters.AddWithValue("filterTagCount", (long)tags.Length);
        }

        if (filters.TakenFrom is { } from)
        {
            command.Parameters.AddWithValue("takenFrom", from.UtcDateTime);
        }

        if (filters.TakenTo is { } to)
        {
            command.Parameters.AddWithValue("takenTo", to.UtcDateTime);
        }
    }

    private string BuildSql(bool keyword, bool semantic, SearchFilters filters)
    {
        var where = FilterSql(filters);
        var vectorType = $"vector({_dimensions.ToString(CultureInfo.InvariantCulture)})";
        var branches = new List<string>();
        var ctes = new List<string>();
        if (keyword)
        {
            ctes.Add($"""
                q AS (SELECT to_tsquery('english', @allWords) AS all_words, to_tsquery('english', @anyWord) AS any_word),
                -- Images with every word first; images with only some words only when those are too few.
                -- (A common word alone can match a large share of the library, and ranking is per row.)
                fts_all AS MATERIALIZED (
                    SELECT i.id, 1.0 + ts_rank_cd(i.search_doc, q.all_words, 1) AS rank_value
                    FROM images i, q
                    WHERE i.search_doc @@ q.all_words AND {where}
                    ORDER BY rank_value DESC, i.id
                    LIMIT @depth),
                fts_any AS (
                    SELECT i.id, ts_rank_cd(i.search_doc, q.any_word, 1) AS rank_value
                    FROM images i, q
                    WHERE (SELECT count(*) FROM fts_all) < @wanted
                      AND i.search_doc @@ q.any_word AND NOT i.search_doc @@ q.all_words AND {where}
                    ORDER BY rank_value DESC, i.id
                    LIMIT @depth),
                fts AS (SELECT id, rank_value FROM fts_all UNION ALL SELECT id, rank_value FROM fts_any),
                fuzzy AS (
                    -- Misspelled tags: trigram similarity catches dropped/extra letters, edit distance
                    -- catches swapped ones (bycicle), which share few trigrams. The tag list is small.
                    SELECT i.id, max(m.similarity) AS rank_value
                    FROM (
                        SELECT t.id AS tag_id, greatest(similarity(t.normalized_name, w),
                               1.0 - levenshtein_less_equal(t.normalized_name, w, 2)::float8 / greatest(length(w), 1)) AS similarity
                        FROM unnest(@words::text[]) AS w
                        CROSS JOIN tags t
                        WHERE similarity(t.normalized_name, w) >= @fuzzy
                            OR levenshtein_less_equal(t.normalized_name, w, 2) <= CASE WHEN length(w) >= 7 THEN 2 WHEN length(w) >= 5 THEN 1 ELSE 0 END
                    ) m
                    JOIN image_tags it ON it.tag_id = m.tag_id
                    JOIN images i ON i.id = it.image_id
                    WHERE {where}
                    GROUP BY i.id
                    ORDER BY rank_value DESC, i.id
                    LIMIT @depth),
                keyword_ranked AS (
                    -- Fuzzy only signals what full text missed (a misspelling), not an exact tag seen twice.
                    SELECT id, bool_or(src = 'fts') AS fts, bool_or(src = 'fuzzy') AND NOT bool_or(src = 'fts') AS fuzzy,
                           max(rank_value) FILTER (WHERE src = 'fts') AS keyword_rank,
                           row_number() OVER (ORDER BY bool_or(src = 'fts') DESC, max(rank_value) DESC, id) AS rank
                    FROM (SELECT id, rank_value, 'fts' AS src FROM fts UNION ALL SELECT id, rank_value, 'fuzzy' FROM fuzzy) k
                    GROUP BY id)
                """);
            branches.Add("SELECT id, rank, fts, fuzzy, NULL::float8 AS distance, keyword_rank FROM keyword_ranked");
        }

        if (semantic)
        {
            ctes.Add($"""
                nearest AS MATERIALIZED (
                    SELECT e.image_id AS id, e.embedding::{vectorType} <=> @vector::real[]::{vectorType} AS distance
                    FROM image_embeddings e
                    JOIN images i ON i.id = e.image_id
                    WHERE e.model = @model AND e.dimensions = {_dimensions} AND {where}
                    ORDER BY e.embedding::{vectorType} <=> @vector::real[]::{vectorType}
                    LIMIT @depth),
                semantic_ranked AS (
                    SELECT id, distance, row_number() OVER (ORDER BY distance, id) AS rank
                    FROM nearest WHERE distance <= @maxDistance)
                """);
            branches.Add("SELECT id, rank, false, false, distance, NULL::float8 FROM semantic_ranked");
        }

        // With one list, RRF preserves its order; with two it rewards images both lists rank well.
        return $"""
            WITH {string.Join(",\n", ctes)},
            fused AS (
                SELECT id, sum(1.0 / (@rrfK + rank)) AS score, bool_or(fts) AS fts, bool_or(fuzzy) AS fuzzy,
                       min(distance) AS distance, max(keyword_rank) AS keyword_rank
                FROM ({string.Join(" UNION ALL ", branches)}) b(id, rank, fts, fuzzy, distance, keyword_rank)
                GROUP BY id)
            SELECT id, score, fts, fuzzy, distance, count(*) OVER () AS total, keyword_rank
            FROM fused
            ORDER BY score DESC, id
            OFFSET @offset LIMIT @limit;
            """;
    }
}

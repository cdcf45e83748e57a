using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace ImageTagger.Catalog.Search;

/// <summary>
/// Keyword (PostgreSQL full text: weighted, stemmed, prefix), fuzzy tag matching (pg_trgm), semantic
/// (pgvector HNSW, cosine, with a similarity cut-off) and hybrid (reciprocal rank fusion of both, the two
/// branches running side by side on their own connections). Filters sit inside every branch so paging never
/// drops filtered hits. SQL rather than LINQ: the keyword branch (tsquery ranking, trigram and edit-distance
/// CTEs) has no LINQ form, and both branches share one filter definition (<c>FilterSql</c>); the semantic
/// branch orders by the same <c>embedding::halfvec(N) &lt;=&gt; q</c> as <see cref="Embeddings.EmbeddingStore.Nearest"/>.
/// </summary>
public sealed class ImageSearch(NpgsqlDataSource dataSource, IOptions<SearchOptions> searchOptions, IOptions<EmbeddingOptions> embeddingOptions)
{
    private readonly SearchOptions _options = searchOptions.Value;
    private readonly int _dimensions = embeddingOptions.Value.Dimensions;

    /// <summary>
    /// Runs the search. Without <paramref name="queryEmbedding"/> (embedding model unreachable), semantic and
    /// hybrid fall back to keyword and say so in <see cref="SearchResult.Notice"/>, never an error.
    /// </summary>
    public Task<SearchResult> SearchAsync(SearchRequest request, QueryEmbedding? queryEmbedding, CancellationToken cancellationToken = default) =>
        SearchWhileEmbeddingAsync(request, _ => Task.FromResult(queryEmbedding), cancellationToken);

    /// <summary>
    /// Runs the search, starting the keyword branch while <paramref name="embedQuery"/> is still embedding the
    /// query; the semantic branch then runs on its own connection, so hybrid costs about the slower branch, not
    /// the sum. When the embedding comes back null, semantic and hybrid fall back to keyword with a notice.
    /// </summary>
    public Task<SearchResult> SearchWhileEmbeddingAsync(SearchRequest request, Func<CancellationToken, Task<QueryEmbedding?>> embedQuery, CancellationToken cancellationToken = default) =>
        SearchWhileEmbeddingAsync(request, embedQuery, null, cancellationToken);

    /// <summary>
    /// As above, with a second, offline query embedding (MiniLM over the images' text, issue 21): used alone when the
    /// Ollama embedding is unavailable, fused with it when both exist. The result says which lists ran.
    /// </summary>
    public async Task<SearchResult> SearchWhileEmbeddingAsync(SearchRequest request, Func<CancellationToken, Task<QueryEmbedding?>> embedQuery, Func<CancellationToken, Task<QueryEmbedding?>>? embedOfflineQuery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embedQuery);
        var words = QueryWords(request.Query);
        var depth = Math.Clamp(request.Offset + request.Limit, _options.CandidateDepth, 5000);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keyword = request.Mode != SearchMode.Semantic && words.Count > 0 ? KeywordAsync(request, words, depth, abandon.Token) : null;
        Task<IReadOnlyList<SemanticCandidate>>? semantic = null;
        Task<IReadOnlyList<SemanticCandidate>>? offlineSemantic = null;
        try
        {
            var mode = request.Mode;
            string? notice = null;
            QueryEmbedding? embedding = null;
            QueryEmbedding? offline = null;
            if (mode != SearchMode.Keyword)
            {
                // Each semantic branch starts as soon as its own embedding is there, so the slower model does not hold
                // the other branch back (MiniLM and Ollama embed side by side; either may finish first).
                var offlineEmbedding = embedOfflineQuery?.Invoke(cancellationToken);
                embedding = await embedQuery(cancellationToken);
                if (embedding is not null && embedding.Vector.Length != _dimensions)
                {
                    throw new ArgumentException($"Query embedding has {embedding.Vector.Length} dimensions, the catalog {_dimensions}.", nameof(embedQuery));
                }

                semantic = embedding is null ? null : SemanticAsync(request, embedding, depth, request.MinSimilarity ?? _options.MinSimilarity, abandon.Token);
                offline = offlineEmbedding is null ? null : await offlineEmbedding;
                if (embedding is null && offline is null)
                {
                    notice = "Semantic search is unavailable (the embedding model could not be reached); showing keyword results.";
                    mode = SearchMode.Keyword;
                    keyword ??= words.Count > 0 ? KeywordAsync(request, words, depth, abandon.Token) : null;
                }
                else if (embedding is null)
                {
                    notice = "The embedding model could not be reached: meaning-based results come from the offline text model over each image's text (OCR, names, tags, keywords).";
                }
            }

            if (keyword is null && embedding is null && offline is null)
            {
                return new SearchResult([], 0, mode, notice ?? "Type a word to search.");
            }

            offlineSemantic = offline is null ? null : SemanticAsync(request, offline, depth, request.MinSimilarity ?? _options.OfflineMinSimilarity, abandon.Token);
            var keywordHits = keyword is null ? [] : await keyword;
            var semanticHits = semantic is null ? [] : await semantic;
            var offlineHits = offlineSemantic is null ? [] : await offlineSemantic;
            var used = (keyword is null ? SearchSignals.None : SearchSignals.FullText | SearchSignals.FuzzyTag)
                | (semantic is null ? SearchSignals.None : SearchSignals.Semantic)
                | (offlineSemantic is null ? SearchSignals.None : SearchSignals.OfflineSemantic);
            return Fuse(keywordHits, semanticHits, offlineHits, request, mode, notice) with { SignalsUsed = used };
        }
        catch
        {
            // Whatever failed, the other branches are stopped and awaited so no query outlives the request.
            await abandon.CancelAsync();
            foreach (var branch in new Task?[] { keyword, semantic, offlineSemantic })
            {
                if (branch is not null)
                {
                    await branch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Reciprocal rank fusion: with one list it keeps that list's order, with two it rewards images both rank
    /// well. Ties go to the lower id so pages are stable.
    /// </summary>
    private SearchResult Fuse(IReadOnlyList<KeywordCandidate> keyword, IReadOnlyList<SemanticCandidate> semantic, IReadOnlyList<SemanticCandidate> offlineSemantic, SearchRequest request, SearchMode mode, string? notice)
    {
        var fused = new Dictionary<long, (double Score, SearchSignals Signals, double? KeywordRank, double? Similarity)>(keyword.Count + semantic.Count);
        foreach (var hit in keyword)
        {
            var signals = (hit.FullText ? SearchSignals.FullText : SearchSignals.None) | (hit.Fuzzy ? SearchSignals.FuzzyTag : SearchSignals.None);
            fused[hit.ImageId] = (1.0 / (_options.RrfK + hit.Rank), signals, hit.KeywordRank, null);
        }

        foreach (var (list, signal) in new[] { (semantic, SearchSignals.Semantic), (offlineSemantic, SearchSignals.OfflineSemantic) })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var hit = list[i];
                var contribution = 1.0 / (_options.RrfK + i + 1);
                fused[hit.ImageId] = fused.TryGetValue(hit.ImageId, out var seen)
                    ? (seen.Score + contribution, seen.Signals | signal, seen.KeywordRank, Math.Max(seen.Similarity ?? double.MinValue, 1.0 - hit.Distance))
                    : (contribution, signal, null, 1.0 - hit.Distance);
            }
        }

        var hits = fused
            .OrderByDescending(p => p.Value.Score)
            .ThenBy(p => p.Key)
            .Skip(request.Offset)
            .Take(request.Limit)
            .Select(p => new SearchHit(p.Key, p.Value.Score, p.Value.Signals, p.Value.KeywordRank, p.Value.Similarity))
            .ToList();
        return new SearchResult(hits, fused.Count, mode, notice);
    }

    private async Task<IReadOnlyList<KeywordCandidate>> KeywordAsync(SearchRequest request, IReadOnlyList<string> words, int depth, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(KeywordSql(request.Filters), connection);
        command.Parameters.AddWithValue("depth", depth);
        command.Parameters.AddWithValue("allWords", TsQuery(words, " & ", typing: false));
        command.Parameters.AddWithValue("typedWords", TsQuery(words, " & ", typing: true));
        command.Parameters.AddWithValue("phrase", TsQuery(words, " <-> ", typing: false));
        command.Parameters.AddWithValue("typedPhrase", TsQuery(words, " <-> ", typing: true));
        command.Parameters.AddWithValue("anyWord", TsQuery(words, " | ", typing: true));
        command.Parameters.AddWithValue("wanted", (long)(request.Offset + request.Limit));
        command.Parameters.AddWithValue("words", words.Where(w => w.Length >= 4).ToArray());
        command.Parameters.AddWithValue("fuzzy", _options.FuzzyThreshold);
        AddFilterParameters(command, request.Filters);
        var candidates = new List<KeywordCandidate>(depth);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new KeywordCandidate(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.IsDBNull(4) ? null : reader.GetDouble(4)));
        }

        return candidates;
    }

    private async Task<IReadOnlyList<SemanticCandidate>> SemanticAsync(SearchRequest request, QueryEmbedding embedding, int depth, double minSimilarity, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var set = new NpgsqlCommand(
            $"SET LOCAL hnsw.ef_search = {Math.Min(1000, Math.Max(depth, 40)).ToString(CultureInfo.InvariantCulture)}; SET LOCAL hnsw.iterative_scan = relaxed_order",
            connection,
            transaction))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(SemanticSql(request.Filters, embedding.Vector.Length), connection, transaction);
        command.Parameters.AddWithValue("depth", depth);
        command.Parameters.AddWithValue("vector", new Pgvector.Vector(embedding.Vector));
        command.Parameters.AddWithValue("model", embedding.Model);
        command.Parameters.AddWithValue("maxDistance", 1.0 - minSimilarity);
        AddFilterParameters(command, request.Filters);
        var candidates = new List<SemanticCandidate>(depth);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add(new SemanticCandidate(reader.GetInt64(0), reader.GetDouble(1)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return candidates;
    }

    /// <summary>
    /// The words as a tsquery; when <paramref name="typing"/>, the last one is a prefix (the word being typed). A prefix
    /// expands to every lexeme it starts, which costs the GIN index 8–15 times an exact word at a million images, and
    /// a finished word does not need it: stemming already matches its other forms.
    /// </summary>
    private static string TsQuery(IReadOnlyList<string> words, string separator, bool typing) =>
        string.Join(separator, words.Select((w, i) => typing && i == words.Count - 1 ? w + ":*" : w));

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
            // Images having every tag, worked out once (not per row): the planner can hash it, and check HNSW
            // candidates against it cheaply or, for a rare tag, rank the few tagged images exactly.
            sql.Append(" AND i.id IN (SELECT fit.image_id FROM image_tags fit JOIN tags ft ON ft.id = fit.tag_id WHERE ft.normalized_name = ANY(@filterTags) GROUP BY fit.image_id HAVING count(*) = @filterTagCount)");
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

    private static string KeywordSql(SearchFilters filters)
    {
        var where = FilterSql(filters);
        // A match's score within its tier: ts_rank (tag words weigh most, then description, file name and OCR, alt
        // text) plus 1 when the words stand together in order, folded into [0, 1) so tiers never mix. ts_rank_cd
        // scored nearness too, at 2.4 times the cost: 14 ms against 6 ms for the 8,575 images of a million that a
        // two-word query matched in the bench, where finding and reading them costs 18 ms.
        static string Score(string query, string phrase) =>
            $"ts_rank(i.search_doc, q.{query}, 1) + CASE WHEN i.search_doc @@ q.{phrase} THEN 1.0 ELSE 0.0 END";
        static string Tier(int tier, string table) => $"SELECT id, {tier}.0 + rank_value / (1.0 + rank_value) FROM {table}";
        return $"""
            WITH q AS (SELECT to_tsquery('english', @allWords) AS all_words, to_tsquery('english', @typedWords) AS typed_words,
                              to_tsquery('english', @phrase) AS phrase, to_tsquery('english', @typedPhrase) AS typed_phrase,
                              to_tsquery('english', @anyWord) AS any_word),
            -- Tiers, each read only when those above found too few: every word (2.x); every word with the last one as
            -- the start of a longer word, as while typing (1.x); some of the words (0.x). Ranking reads each matching
            -- row, and a common word alone can match a large share of the library.
            fts_all AS MATERIALIZED (
                SELECT i.id, {Score("all_words", "phrase")} AS rank_value
                FROM images i, q
                WHERE i.search_doc @@ q.all_words AND {where}
                ORDER BY rank_value DESC, i.id
                LIMIT @depth),
            fts_typed AS MATERIALIZED (
                SELECT i.id, {Score("typed_words", "typed_phrase")} AS rank_value
                FROM images i, q
                WHERE (SELECT count(*) FROM fts_all) < @wanted
                  AND i.search_doc @@ q.typed_words AND NOT i.search_doc @@ q.all_words AND {where}
                ORDER BY rank_value DESC, i.id
                LIMIT @depth),
            fts_any AS (
                SELECT i.id, ts_rank(i.search_doc, q.any_word, 1) AS rank_value
                FROM images i, q
                WHERE (SELECT count(*) FROM fts_all) + (SELECT count(*) FROM fts_typed) < @wanted
                  AND i.search_doc @@ q.any_word AND NOT i.search_doc @@ q.typed_words AND {where}
                ORDER BY rank_value DESC, i.id
                LIMIT @depth),
            fts (id, rank_value) AS ({Tier(2, "fts_all")} UNION ALL {Tier(1, "fts_typed")} UNION ALL {Tier(0, "fts_any")}),
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
                -- All images of one tag share its similarity, so the lowest ids per tag are all the ranking can
                -- use: at most @depth per matched tag, read in order from (tag_id, image_id), never a whole
                -- popular tag's images.
                CROSS JOIN LATERAL (
                    SELECT i.id FROM image_tags it JOIN images i ON i.id = it.image_id
                    WHERE it.tag_id = m.tag_id AND {where}
                    ORDER BY it.image_id
                    LIMIT @depth) i
                GROUP BY i.id
                ORDER BY rank_value DESC, i.id
                LIMIT @depth)
            -- Fuzzy only signals what full text missed (a misspelling), not an exact tag seen twice.
            SELECT id, row_number() OVER (ORDER BY bool_or(src = 'fts') DESC, max(rank_value) DESC, id) AS rank,
                   bool_or(src = 'fts') AS fts, bool_or(src = 'fuzzy') AND NOT bool_or(src = 'fts') AS fuzzy,
                   max(rank_value) FILTER (WHERE src = 'fts') AS keyword_rank
            FROM (SELECT id, rank_value, 'fts' AS src FROM fts UNION ALL SELECT id, rank_value, 'fuzzy' FROM fuzzy) k
            GROUP BY id
            ORDER BY rank;
            """;
    }

    private static string SemanticSql(SearchFilters filters, int dimensions)
    {
        var size = dimensions.ToString(CultureInfo.InvariantCulture);
        // Ordered by the expression the HNSW index holds, so the distance is computed once per row.
        return $"""
            WITH nearest AS MATERIALIZED (
                SELECT e.image_id AS id, {Embeddings.EmbeddingIndex.Distance(dimensions, "e.embedding", "@vector")} AS distance
                FROM image_embeddings e
                JOIN images i ON i.id = e.image_id
                WHERE e.model = @model AND e.dimensions = {size} AND {FilterSql(filters)}
                  -- Evaluated once, first: a model with no vectors yet (the offline one before Processing reached the
                  -- library) costs nothing, instead of a filter worked out and an index walked for no rows.
                  AND EXISTS (SELECT 1 FROM embedding_counts c WHERE c.model = @model AND c.embeddings > 0)
                ORDER BY distance
                LIMIT @depth)
            SELECT id, distance FROM nearest WHERE distance <= @maxDistance ORDER BY distance, id;
            """;
    }

    private sealed record KeywordCandidate(long ImageId, long Rank, bool FullText, bool Fuzzy, double? KeywordRank);

    private sealed record SemanticCandidate(long ImageId, double Distance);
}

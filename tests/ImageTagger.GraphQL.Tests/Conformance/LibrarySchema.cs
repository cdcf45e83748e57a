using System.ComponentModel;
using System.Globalization;
using System.Text;
using ImageTagger.GraphQL.Execution;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests.Conformance;

public enum Genre
{
    Fiction,
    Science,
    [Description("Old stuff")]
    [Obsolete("No longer supported")]
    History,
}

public sealed record Author(string Id, string Name, double? Rating);

public sealed record Book(string Id, string Name, int Year, DateTimeOffset? Published, Genre Genre, string AuthorId, string[]? Tags);

/// <summary>The same schema twice: code-first in C# and as SDL for graphql-js (fixtures.js holds the same data).</summary>
public static class LibrarySchema
{
    public const string Sdl = """"
        "Marks an element as cached."
        directive @cached(ttl: Int = 60) repeatable on FIELD | QUERY

        scalar DateTime @specifiedBy(url: "https://scalars.graphql.org/andimarek/date-time")

        enum Genre {
          FICTION
          SCIENCE

          "Old stuff"
          HISTORY @deprecated
        }

        input BookFilter {
          genre: Genre
          minYear: Int = 1900
          tags: [String!] = ["a"]
        }

        input BookRef @oneOf {
          id: ID
          name: String
        }

        "Something with a global identifier."
        interface Node {
          id: ID!
        }

        interface Entity implements Node {
          id: ID!
          name: String!
        }

        type Author implements Node & Entity {
          id: ID!
          name: String!
          books(first: Int = 10, genre: Genre): [Book!]!
          rating: Float
        }

        """
        A book.
        With a second line.
        """
        type Book implements Node & Entity {
          id: ID!
          name: String!

          "Year of first publication"
          year: Int @deprecated(reason: "Use `published`.")
          published: DateTime
          genre: Genre!
          author: Author!
          tags: [String!]
        }

        union SearchResult = Author | Book

        type Nested {
          failNonNull: String!
          value: Int
        }

        type Query {
          node(id: ID!): Node
          authors: [Author!]!
          books(filter: BookFilter): [Book!]!
          search(text: String!): [SearchResult!]!
          book(ref: BookRef!): Book
          echo(value: String = "hi", n: Int, f: Float, b: Boolean, list: [Int], genre: Genre = FICTION, filter: BookFilter): String
          fail: String
          failNonNull: String!
          nested: Nested
        }

        type Mutation {
          addBook(name: String!, genre: Genre!): Book!
          increment: Int!
        }
        """";

    public static readonly Author[] Authors = [new("a1", "Ursula", 4.5), new("a2", "Isaac", null)];

    public static readonly Book[] Books =
    [
        new("b1", "Earthsea", 1968, DateTimeOffset.Parse("1968-11-01T00:00:00Z", CultureInfo.InvariantCulture), Genre.Fiction, "a1", ["magic", "sea"]),
        new("b2", "Foundation", 1951, DateTimeOffset.Parse("1951-05-01T00:00:00Z", CultureInfo.InvariantCulture), Genre.Fiction, "a2", null),
        new("b3", "Robots", 1950, null, Genre.Science, "a2", []),
    ];

    /// <summary>Counts batch calls of one schema's author loader, to show that lists do not cause N+1 loads.</summary>
    public sealed class BatchCounter
    {
        private int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public void Increment() => Interlocked.Increment(ref _calls);
    }

    public sealed class Counter
    {
        private int _value;
        public int Next() => Interlocked.Increment(ref _value);
    }

    public static Schema Build(BatchCounter? authorBatches = null) => new SchemaBuilder()
        .Directive("cached", [DirectiveLocation.Field, DirectiveLocation.Query], d => d
            .Description("Marks an element as cached.").Repeatable().Argument("ttl", "Int", 60))
        .Scalar(new DateTimeScalar())
        .Enum<Genre>()
        .InputObject("BookFilter", i => i
            .Field("genre", "Genre")
            .Field("minYear", "Int", 1900)
            .Field("tags", "[String!]", new[] { "a" }))
        .InputObject("BookRef", i => i.OneOf().Field("id", "ID").Field("name", "String"))
        .Interface("Node", i => i.Description("Something with a global identifier.").Field("id", "ID!"))
        .Interface("Entity", i => i.Implements("Node").Field("id", "ID!").Field("name", "String!"))
        .Object<Author>("Author", o => o
            .Implements("Node", "Entity")
            .Field("id", "ID!")
            .Field("name", "String!")
            .Field("books", "[Book!]!", f => f
                .Argument("first", "Int", 10)
                .Argument("genre", "Genre")
                .Resolve(ctx =>
                {
                    var author = ctx.Parent<Author>();
                    var genre = ctx.Argument<Genre?>("genre");
                    var books = Books.Where(b => b.AuthorId == author.Id && (genre is null || b.Genre == genre)).ToList();
                    var first = ctx.Argument<int>("first");
                    return books.Take(first < 0 ? Math.Max(0, books.Count + first) : first); // JavaScript slice(0, first) semantics

                }))
            .Field("rating", "Float"))
        .Object<Book>("Book", o => o
            .Description("A book.\nWith a second line.")
            .Implements("Node", "Entity")
            .Field("id", "ID!")
            .Field("name", "String!")
            .Field("year", "Int", f => f.Description("Year of first publication").Deprecated("Use `published`."))
            .Field("published", "DateTime")
            .Field("genre", "Genre!")
            .Field("author", "Author!", f => f.Resolve(ctx => ctx.DataLoaders
                .GetOrCreate<string, Author>("authorsById", (ids, _) =>
                {
                    authorBatches?.Increment();
                    return Task.FromResult<IReadOnlyDictionary<string, Author>>(Authors.Where(a => ids.Contains(a.Id)).ToDictionary(a => a.Id));
                })
                .LoadAsync(ctx.Parent<Book>().AuthorId)))
            .Field("tags", "[String!]"))
        .Union("SearchResult", "Author", "Book")
        .Object("Nested", o => o.Field("failNonNull", "String!", _ => null).Field("value", "Int", _ => 7))
        .Query(q => q
            .Field("node", "Node", f => f.Argument("id", "ID!").Resolve(ctx =>
            {
                var id = ctx.Argument<string>("id");
                return (object?)Authors.FirstOrDefault(a => a.Id == id) ?? Books.FirstOrDefault(b => b.Id == id);
            }))
            .Field("authors", "[Author!]!", _ => Authors)
            .Field("books", "[Book!]!", f => f.Argument("filter", "BookFilter").Resolve(ctx =>
            {
                var filter = ctx.Arguments.TryGetValue("filter", out var fv) ? fv as Dictionary<string, object?> : null;
                return Books.Where(b => filter is null || filter.GetValueOrDefault("genre") is not Genre g || b.Genre == g)
                    .Where(b => filter is null || filter.GetValueOrDefault("minYear") is not int y || b.Year >= y);
            }))
            .Field("search", "[SearchResult!]!", f => f.Argument("text", "String!").Resolve(ctx =>
            {
                var text = ctx.Argument<string>("text");
                return Authors.Where(a => a.Name.Contains(text, StringComparison.OrdinalIgnoreCase)).Cast<object>()
                    .Concat(Books.Where(b => b.Name.Contains(text, StringComparison.OrdinalIgnoreCase)));
            }))
            .Field("book", "Book", f => f.Argument("ref", "BookRef!").Resolve(ctx =>
            {
                var r = (IDictionary<string, object?>)ctx.Arguments["ref"]!;
                return r.TryGetValue("id", out var id) && id is not null
                    ? Books.FirstOrDefault(b => b.Id == (string)id)
                    : Books.FirstOrDefault(b => b.Name == (string?)r["name"]);
            }))
            .Field("echo", "String", f => f
                .Argument("value", "String", "hi")
                .Argument("n", "Int")
                .Argument("f", "Float")
                .Argument("b", "Boolean")
                .Argument("list", "[Int]")
                .Argument("genre", "Genre", Genre.Fiction)
                .Argument("filter", "BookFilter")
                .Resolve(ctx => JsJson(ctx.Arguments)))
            .Field("fail", "String", _ => throw new InvalidOperationException("boom"))
            .Field("failNonNull", "String!", _ => null)
            .Field("nested", "Nested", _ => new object()))
        .Mutation(m => m
            .Field("addBook", "Book!", f => f.Argument("name", "String!").Argument("genre", "Genre!").Resolve(ctx =>
                new Book("b" + ctx.Argument<string>("name").Length, ctx.Argument<string>("name"), 2024, null, ctx.Argument<Genre>("genre"), "a1", null)))
            .Field("increment", "Int!", ctx => ((Counter)ctx.RootValue!).Next()))
        .Build();

    /// <summary>JSON.stringify-compatible rendering of coerced argument values.</summary>
    public static string JsJson(object? value)
    {
        var sb = new StringBuilder();
        Write(value);
        return sb.ToString();

        void Write(object? v)
        {
            switch (v)
            {
                case null: sb.Append("null"); break;
                case string s: sb.Append(System.Text.Json.JsonSerializer.Serialize(s)); break;
                case bool b: sb.Append(b ? "true" : "false"); break;
                case int i: sb.Append(i.ToString(CultureInfo.InvariantCulture)); break;
                case double d: sb.Append(d == Math.Floor(d) && Math.Abs(d) < 1e21 ? d.ToString("0", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture)); break;
                case Enum e: sb.Append('"').Append(EnumType.ToEnumName(e.ToString())).Append('"'); break;
                case IEnumerable<KeyValuePair<string, object?>> dict:
                    sb.Append('{');
                    var first = true;
                    foreach (var (k, val) in dict)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append('"').Append(k).Append("\":");
                        Write(val);
                    }
                    sb.Append('}');
                    break;
                case System.Collections.IEnumerable list:
                    sb.Append('[');
                    var firstItem = true;
                    foreach (var item in list)
                    {
                        if (!firstItem) sb.Append(',');
                        firstItem = false;
                        Write(item);
                    }
                    sb.Append(']');
                    break;
                default: sb.Append(v); break;
            }
        }
    }
}

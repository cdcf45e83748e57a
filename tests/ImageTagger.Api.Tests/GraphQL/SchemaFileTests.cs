using ImageTagger.Api.GraphQL;
using ImageTagger.GraphQL.Types;
using ImageTagger.TestSupport;

namespace ImageTagger.Api.Tests.GraphQL;

/// <summary>
/// ImageTagger.Api/schema.graphql is what client developers generate code from; it must be the schema the code
/// builds. To regenerate it after a schema change: <c>IMAGETAGGER_WRITE_SCHEMA=1 dotnet test tests/ImageTagger.Api.Tests
/// --filter FullyQualifiedName~SchemaFileTests</c> (or <c>bash scripts/write-schema.sh</c>).
/// </summary>
public sealed class SchemaFileTests
{
    public const string WriteVariable = "IMAGETAGGER_WRITE_SCHEMA";

    private static string SchemaPath => Path.Combine(RepositoryPaths.Root, "ImageTagger.Api", "schema.graphql");

    public static string PrintSchema()
    {
        var builder = new SchemaBuilder();
        ApiSchema.Configure(builder);
        return SchemaPrinter.Print(builder.Build()).ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
    }

    [Fact]
    public async Task The_checked_in_SDL_is_the_code_first_schema()
    {
        var ct = TestContext.Current.CancellationToken;
        var printed = PrintSchema();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(SchemaPath, printed, ct);
        }

        Assert.True(File.Exists(SchemaPath), $"{SchemaPath} is missing: run with {WriteVariable}=1 to write it.");
        var file = (await File.ReadAllTextAsync(SchemaPath, ct)).ReplaceLineEndings("\n");
        Assert.True(file == printed,
            $"{SchemaPath} differs from the schema ApiSchema builds. If the change is intended, regenerate the file: " +
            $"{WriteVariable}=1 dotnet test tests/ImageTagger.Api.Tests --filter FullyQualifiedName~SchemaFileTests (or bash scripts/write-schema.sh), and commit it.");
        Assert.Contains("type Subscription {", file, StringComparison.Ordinal);
    }
}

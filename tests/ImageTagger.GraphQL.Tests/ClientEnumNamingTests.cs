using System.Text.Json;
using ImageTagger.GraphQL.Types;

namespace ImageTagger.GraphQL.Tests;

// The client no longer references the engine: it writes enum values with System.Text.Json's upper snake case,
// which must spell every CLR member name the way the engine's EnumType does, or variables would not coerce.
public sealed class ClientEnumNamingTests
{
    [Theory]
    [InlineData("Public")]
    [InlineData("ImageTagger")]
    [InlineData("HTTPServer")]
    [InlineData("ExifGps")]
    [InlineData("Sha256Hash")]
    [InlineData("AutoHybrid")]
    [InlineData("A")]
    [InlineData("IO")]
    public void Client_enum_names_match_the_engine(string clrName) =>
        Assert.Equal(EnumType.ToEnumName(clrName), JsonNamingPolicy.SnakeCaseUpper.ConvertName(clrName));
}

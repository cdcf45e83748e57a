using ImageTagger.Ai.Tagging;

namespace ImageTagger.Ai.Tests;

public sealed class DescriptionParserTests
{
    public static TheoryData<string, string, string[], DescriptionSource> Answers => new()
    {
        {
            """{"description": "A dog on a beach.", "tags": ["dog", "beach"]}""",
            "A dog on a beach.", ["dog", "beach"], DescriptionSource.Json
        },
        {
            """{"Description": "Two cats.", "Keywords": "cat, sofa; living room"}""",
            "Two cats.", ["cat", "sofa", "living room"], DescriptionSource.Json
        },
        {
            """{"caption": "A bridge at night.", "labels": [{"name": "bridge"}, {"name": "night"}],}""",
            "A bridge at night.", ["bridge", "night"], DescriptionSource.Json
        },
        {
            """{"result": {"description": "Nested answer.", "tags": ["nested"]}}""",
            "Nested answer.", ["nested"], DescriptionSource.Json
        },
        {
            """["just", "tags"]""",
            "", ["just", "tags"], DescriptionSource.Json
        },
        {
            "```json\n{\"description\": \"A red car parked on a street.\", \"tags\": [\"car\", \"street\"]}\n```",
            "A red car parked on a street.", ["car", "street"], DescriptionSource.EmbeddedJson
        },
        {
            "Here is the JSON you asked for:\n```\n{\"description\": \"A lighthouse.\", \"tags\": [\"lighthouse\"]}\n```\nLet me know if you need more!",
            "A lighthouse.", ["lighthouse"], DescriptionSource.EmbeddedJson
        },
        {
            "Sure! {\"description\": \"Snowy {peaks} under a blue sky.\", \"tags\": [\"snow\", \"mountain\"]} Hope this helps.",
            "Snowy {peaks} under a blue sky.", ["snow", "mountain"], DescriptionSource.EmbeddedJson
        },
        {
            "{\"description\": \"A busy market with fruit stalls and shoppers under striped awnings\", \"tags\": [\"market\", \"fruit\", \"shopp",
            "A busy market with fruit stalls and shoppers under striped awnings", ["market", "fruit"], DescriptionSource.PartialJson
        },
        {
            "{\"description\": \"An old church with a tall spire and",
            "An old church with a tall spire and", [], DescriptionSource.PartialJson
        },
        {
            "Description: A child flying a kite in a park.\nTags: child, kite, park, sunny day",
            "A child flying a kite in a park.", ["child", "kite", "park", "sunny day"], DescriptionSource.Prose
        },
        {
            "**Description:** A plate of pasta with basil.\n\n**Tags:**\n- pasta\n- basil\n- dinner\n",
            "A plate of pasta with basil.", ["pasta", "basil", "dinner"], DescriptionSource.Prose
        },
        {
            "### Description\nA foggy forest path.\n\n### Keywords\n1. forest\n2. fog\n3. path",
            "A foggy forest path.", ["forest", "fog", "path"], DescriptionSource.Prose
        },
        {
            "Sure! Here's a description of the image:\n\nA sailboat on a calm lake at sunrise.\n\nTags: sailboat, lake, sunrise",
            "A sailboat on a calm lake at sunrise.", ["sailboat", "lake", "sunrise"], DescriptionSource.Prose
        },
        {
            "The image shows a cyclist riding through a city street.\n\n#cycling #city #street",
            "The image shows a cyclist riding through a city street.", ["cycling", "city", "street"], DescriptionSource.Prose
        },
        {
            "An orange cat sleeping on a windowsill in the sun.\n\n- cat\n- windowsill\n- sunlight",
            "An orange cat sleeping on a windowsill in the sun.", ["cat", "windowsill", "sunlight"], DescriptionSource.Prose
        },
        {
            "A bowl of ramen with a soft-boiled egg.",
            "A bowl of ramen with a soft-boiled egg.", [], DescriptionSource.Prose
        },
        {
            "<think>The user wants JSON.</think>{\"description\": \"A tram.\", \"tags\": [\"tram\"]}",
            "A tram.", ["tram"], DescriptionSource.Json
        },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Parses_answer_shapes(string answer, string description, string[] tags, DescriptionSource source)
    {
        var result = DescriptionParser.Parse(answer);

        Assert.Equal(description, result.Description);
        Assert.Equal(tags, result.Tags);
        Assert.Equal(source, result.Source);
    }

    [Theory]
    [InlineData("", ImageDescriptionFailure.EmptyAnswer)]
    [InlineData("   \n\t ", ImageDescriptionFailure.EmptyAnswer)]
    [InlineData("{", ImageDescriptionFailure.Unparseable)]
    [InlineData("{}", ImageDescriptionFailure.Unparseable)]
    [InlineData("{\"foo\": 1}", ImageDescriptionFailure.Unparseable)]
    [InlineData("<html><body>502 Bad Gateway</body></html>", ImageDescriptionFailure.Unparseable)]
    [InlineData("@@@@ #### $$$$ %%%% 1234 5678", ImageDescriptionFailure.Unparseable)]
    [InlineData("qwrtzpsdfghjklxcvbnmqwrtzpsdfghjklxcvbnm", ImageDescriptionFailure.Unparseable)]
    [InlineData("iVBORw0KGgoAAAANSUhEUgAAAG0AAABmCAYAAADBPx+VAAAACXBIWXMAAAsTAAALEwEAmpwYAAAAAXNSR0IArs4c6QAAAARnQU1BAACx", ImageDescriptionFailure.Unparseable)]
    [InlineData("I'm sorry, but I can't help with identifying this image.", ImageDescriptionFailure.Refused)]
    [InlineData("{\"description\": \"I cannot describe this image.\", \"tags\": []}", ImageDescriptionFailure.Refused)]
    public void Rejects_unusable_answers_with_a_reason(string answer, ImageDescriptionFailure reason)
    {
        var ex = Assert.Throws<ImageDescriptionException>(() => DescriptionParser.Parse(answer));

        Assert.Equal(reason, ex.Reason);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Cut_off_garbage_is_reported_as_truncated()
    {
        var ex = Assert.Throws<ImageDescriptionException>(() => DescriptionParser.Parse("{\"desc", truncated: true));

        Assert.Equal(ImageDescriptionFailure.Truncated, ex.Reason);
        Assert.Equal("{\"desc", ex.RawAnswer);
    }
}

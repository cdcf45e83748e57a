namespace GraphQLBench;

/// <summary>The benchmark workload, shared verbatim with bench.js.</summary>
internal static class BenchSchema
{
    public const string Sdl = """
        type Query { images(first: Int = 10): [Image!]! viewer: User! }
        type Image { id: ID! title: String! width: Int! height: Int! rating: Float takenAt: String tags: [Tag!]! author: User! camera: Camera }
        type Tag { name: String! score: Float! }
        type User { id: ID! name: String! email: String! }
        type Camera { make: String! model: String! iso: Int }
        """;

    // 30 field selections (counting nested ones) with two fragments and an alias.
    public const string Query = """
        query Gallery($first: Int) {
          viewer { ...UserFields }
          images(first: $first) {
            ...ImageFields
            tags { name score }
            author { ...UserFields }
            camera { make model iso }
            thumb: title
          }
        }
        fragment ImageFields on Image { id title width height rating takenAt }
        fragment UserFields on User { id name email }
        """;
}

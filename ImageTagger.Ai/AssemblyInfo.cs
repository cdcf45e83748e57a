using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ImageTagger.Ai.Tests")]

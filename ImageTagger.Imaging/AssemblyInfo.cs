using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ImageTagger.Imaging.Tests")]

namespace ImageTagger.GraphQL;

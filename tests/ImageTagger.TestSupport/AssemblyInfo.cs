namespace ImageTagger.TestSupport;

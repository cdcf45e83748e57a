namespace ImageTagger.Ai;

namespace ImageTagger.Catalog;

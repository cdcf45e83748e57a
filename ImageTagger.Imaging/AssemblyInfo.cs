namespace ImageTagger.Imaging;

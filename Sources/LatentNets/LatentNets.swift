// Autoencoders: layers, losses, optimisers, training (see the autoencoder issue).

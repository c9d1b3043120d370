// t-SNE: affinities, gradients, optimiser (see the t-SNE issue).

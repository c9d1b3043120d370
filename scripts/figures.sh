#!/usr/bin/env bash
# Remakes every figure in Figures/: the seven examples, then the CLI commands behind the others
# (the pipeline's included), the VAE figures (scripts/vae-figures.sh) and the interactive map's
# screenshot (scripts/map-budgets.sh). About 40 minutes on two cores. Run from anywhere:
#   scripts/figures.sh            # all
#   scripts/figures.sh cli        # only the CLI figures
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release
B=.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ "${1:-all}" == all ]]; then
    for example in DenseAutoencoder2D Autoencoder64TSNE Digits156 DeepAndConvolutional FashionMNIST70k SwissRollPrior FashionMNISTPlacement; do
        echo "== $example"
        "$B/$example" Figures
    done
fi

echo "== latentmap pipeline (README command 1)"
"$B/latentmap" pipeline --out "$work/pipeline"
cp "$work/pipeline/scatter.png" Figures/mnist-ae64-tsne.png
cp "$work/pipeline/scatter.svg" Figures/mnist-ae64-tsne.svg
cp "$work/pipeline/reconstructions.png" Figures/mnist-ae64-reconstructions.png
cp "$work/pipeline/loss.png" Figures/mnist-ae64-loss.png
cp "$work/pipeline/kl.png" Figures/mnist-ae64-kl.png
echo "== a 3.5-inch figure for a paper (README: Figures for papers)"
"$B/latentmap" plot scatter "$work/pipeline/embedding.npy" --labels "$work/pipeline/labels.npy" --class-names digits \
    --title "MNIST test digits, autoencoder + t-SNE" --width 3.5in --font-size 8 --font "Liberation Sans" \
    --legend bottom --x-label "t-SNE 1" --y-label "t-SNE 2" --out Figures/paper-mnist-3.5in.pdf --formats png --dpi 300

echo "== latentmap compare"
"$B/latentmap" compare --out "$work/compare"
cp "$work/compare/compare.png" Figures/compare-mnist.png
cp "$work/compare/compare.md" Figures/compare-mnist.md

echo "== latentmap sweep"
"$B/latentmap" sweep --out "$work/sweep"
cp "$work/sweep/sweep.png" Figures/mnist-sweep.png

echo "== denoising rows (README: Figures for papers)"
"$B/latentmap" train mnist --preset dense20 --noise 0.5 --epochs 20 --out "$work/dae.safetensors" -q
"$B/latentmap" reconstruct "$work/dae.safetensors" mnist --noise 0.5 --gallery Figures/mnist-denoising-rows.png

echo "== a 20-D autoencoder for the latent-space commands"
"$B/latentmap" train mnist --preset dense20 --epochs 30 --seed 1 --out "$work/ae20.safetensors"
"$B/latentmap" classify mnist --model "$work/ae20.safetensors" --hidden 1000-500-500 --dropout 0.2 --batch-norm \
    --confusion Figures/mnist-classifier-confusion.png
"$B/latentmap" anomalies "$work/ae20.safetensors" mnist --top 24 --formats png --out "$work/anomalies"
cp "$work/anomalies/gallery.png" Figures/mnist-anomalies.png
"$B/latentmap" interpolate "$work/ae20.safetensors" mnist --pairs 3:2,0:1,4:7 --steps 11 --originals \
    --out Figures/mnist-ae20-interpolation.png
"$B/latentmap" sample "$work/ae20.safetensors" mnist --count 40 --seed 3 --out Figures/mnist-ae20-samples.png
"$B/latentmap" pca mnist --components 50 --formats png --out "$work/pca"
cp "$work/pca/scree.png" Figures/mnist-pca-scree.png
echo "== the variational autoencoder's samples and ELBO curves"
bash scripts/vae-figures.sh
echo "== the interactive map's screenshot (headless Chromium)"
bash scripts/map-budgets.sh
echo "figures written to Figures/"

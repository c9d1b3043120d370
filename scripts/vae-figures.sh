#!/usr/bin/env bash
# The variational autoencoder's figures in Figures/ and the numbers in the README's
# "Latents worth mapping" section: a VAE with a 2-D and a 20-D latent (784-512-256-z, BCE,
# β = 1, 10-epoch KL warm-up, 30 epochs) trained on the first 9,000 bundled MNIST digits and
# tested on the last 1,000; 64 samples from the prior N(0, I) each and the ELBO per image by
# epoch. Needs python3 with numpy (to split the bundled digits and turn the loss per pixel
# into the ELBO per image). A few minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
B=$PWD/.build/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import gzip, sys, numpy as np
d = 'Sources/LatentData/Resources/mnist/'
x = np.frombuffer(gzip.open(d + 't10k-images-idx3-ubyte.gz').read()[16:], np.uint8).reshape(-1, 28, 28).astype(np.float32) / 255
y = np.frombuffer(gzip.open(d + 't10k-labels-idx1-ubyte.gz').read()[8:], np.uint8).astype(np.int64)
np.savez(sys.argv[1] + '/mnist-split.npz', x_train=x[:9000], y_train=y[:9000], x_test=x[9000:], y_test=y[9000:])
PY
for z in 2 20; do
    "$B/latentmap" train "$work/mnist-split.npz" --part train --variational --code $z --epochs 30 --val-split 0.1 \
        --json --out "$work/vae$z.safetensors" --history "$work/vae$z-history.csv" | tee "$work/vae$z.json"
    "$B/latentmap" sample "$work/vae$z.safetensors" --count 64 --seed 1 --out Figures/mnist-vae$z-prior-samples.png
    python3 - "$work/vae$z-history.csv" "$work/vae$z-elbo.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], 'w') as f:
    f.write('epoch,train ELBO (nats per image),validation ELBO (nats per image)\n')
    for r in rows:
        f.write(f"{r['epoch']},{-784 * float(r['train_loss'])},{-784 * float(r['val_loss'])}\n")
PY
    "$B/latentmap" plot loss "$work/vae$z-elbo.csv" --out Figures/mnist-vae$z-elbo.png \
        --title "VAE ($z-D latent) on MNIST: ELBO per image" --y-label "ELBO (nats)"
done

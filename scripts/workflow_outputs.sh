#!/bin/bash
# Runs every workflow command (pipeline, compare, sweep, anomalies, walk, interpolate, sample) on
# small fixed-seed settings and writes all their outputs into one folder, so two builds can be
# compared file by file:
#
#   scripts/workflow_outputs.sh OLD-BUILD/latentmap /tmp/before
#   scripts/workflow_outputs.sh .build/release/latentmap /tmp/after
#   python3 scripts/compare_outputs.py /tmp/before /tmp/after
#
# About a minute on two cores. The old option spellings are used on purpose (they must keep working).
set -u
binary=$(realpath "$1"); out=$2
rm -rf "$out"; mkdir -p "$out"; cd "$out" || exit 1
run() {   # run NAME ARGS…: stdout to stdout-NAME.txt, the command and its exit status to log.txt
    local name=$1; shift
    echo "+ $*" >> log.txt
    "$binary" "$@" > "stdout-$name.txt" 2>> log.txt
    echo "exit $?" >> log.txt
}
run aug augment mnist --count 120 --seed 5 --out heldout.npy --labels-out heldout_labels.npy -q
run p1 pipeline mnist --subsample 400 --epochs 4 --seed 3 --out p1 -q
run p2 pipeline mnist --latent 20 --subsample 300 --epochs 3 --method exact --perplexity 20 --metric euclidean --seed 2 --out p2 -q
run p3 pipeline mnist --subsample 300 --epochs 3 --seed 4 --test heldout.npy --test-labels heldout_labels.npy --out p3 -q
run p4 pipeline mnist --subsample 200 --model p2/model.safetensors --seed 5 --out p4 -q
run c1 compare mnist --subsample 300 --epochs 2 --latent 20 --methods ae-2d ae+tsne pca pca50+tsne vae+tsne --seed 2 --out c1 -q
run s1 sweep mnist --subsample 300 --latent 4,8 --epochs 2 --classifier-epochs 2 --seed 2 --out s1 -q
run s2 sweep mnist --subsample 300 --latent 3 --preset dense20 --epochs 1 --classifier-epochs 1 --seed 3 --out s2 -q
run t2d train mnist --preset dense2d --epochs 2 --subsample 500 --seed 1 --out ae2d.safetensors -q
run tvae train mnist --variational --code 4 --epochs 2 --subsample 300 --seed 1 --out vae.safetensors -q
run a1 anomalies p2/model.safetensors mnist --subsample 300 --top 12 --seed 2 --out a1 -q
run a2 anomalies ae2d.safetensors mnist --subsample 200 --top 24 --formats png,svg,pdf --out a2 -q
run w1 walk ae2d.safetensors --steps 6 --out walk1.png -q
run w2 walk ae2d.safetensors mnist --subsample 300 --steps 7 --out walk2.svg -q
run w3 walk p2/model.safetensors mnist --subsample 200 --dims 0,4 --steps 5 --out walk3.png -q
run w4 walk p2/model.safetensors mnist --subsample 200 --dims 1,2 --range -1:2 --steps 4 --out walk4.png -q
run i1 interpolate p2/model.safetensors mnist --from 3 --to 7 --steps 6 --out interp1.png -q
run i2 interpolate p2/model.safetensors mnist --subsample 100 --pairs 3:2,10:11 --originals --steps 5 --out interp2.svg -q
run i3 interpolate ae2d.safetensors mnist --pairs 0:1 --originals --out interp3.png -q
run sa1 sample p2/model.safetensors mnist --subsample 300 --count 16 --seed 3 --codes-out codes1.npy --out sample1.png -q
run sa2 sample vae.safetensors --count 9 --seed 4 --codes-out codes2.npy --out sample2.svg -q
run sa3 sample ae2d.safetensors mnist --count 10 --columns 5 --seed 2 --out sample3.png -q
grep -c "^exit 0" log.txt | xargs echo "commands that succeeded (of 22):"

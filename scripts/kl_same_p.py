#!/usr/bin/env python3
"""KL of openTSNE's and LatentMap's Fashion-MNIST 70k maps under one P (exact 90-NN, openTSNE's calibration).

Run after `scripts/bench.sh fashion` with the peers' venv: ~/peers/bin/python scripts/kl_same_p.py"""
import numpy as np, sys, json
from openTSNE import TSNE, affinity
X=np.load('bench/inputs/fashion70k_n70000_pca50_X.npy').astype(np.float32)
# openTSNE's map, same settings as the bench (tsne_anchor: perplexity 30, PCA init, 250 EE + 500)
emb=TSNE(n_components=2, perplexity=30, initialization="pca", negative_gradient_method="fft", n_jobs=2, random_state=1, n_iter=500, early_exaggeration_iter=250).fit(X)
Yo=np.asarray(emb, dtype=np.float64)
Yl=np.load('bench/lm-fashion70k.npy').astype(np.float64)
# One P for both: exact 90-NN (scikit-learn, brute force) calibrated by openTSNE's perplexity search.
P=affinity.PerplexityBasedNN(X, perplexity=30, method="exact", n_jobs=2, random_state=1).P.tocoo()
p=P.data; i=P.row; j=P.col
def kl(Y):
    n=len(Y); Z=0.0
    for a in range(0,n,2000):
        d=((Y[a:a+2000,None,:]-Y[None,:,:])**2).sum(-1)
        Z+=(1/(1+d)).sum()-min(2000,n-a)   # minus the diagonal terms (q_ii = 1)
    qu=1/(1+((Y[i]-Y[j])**2).sum(-1))
    return float((p*np.log(p)).sum()-(p*np.log(qu)).sum()+np.log(Z))
print(json.dumps({"kl_same_P_openTSNE": kl(Yo), "kl_same_P_latentmap": kl(Yl), "openTSNE_own_kl": float(emb.kl_divergence)}))

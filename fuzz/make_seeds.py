"""Writes the seed corpus for scripts/fuzz.sh: small valid files of every format the fuzz
targets parse, plus a few near-misses. Usage: python3 make_seeds.py OUTDIR [MODEL.safetensors]"""
import gzip, io, json, os, struct, sys, zipfile
import numpy as np

out = sys.argv[1]
model = sys.argv[2] if len(sys.argv) > 2 else None
rng = np.random.default_rng(7)

def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def npy(a):
    b = io.BytesIO(); np.save(b, a); return b.getvalue()

# IDX: images (3-D), labels (1-D), gzip'd, and a truncated one.
imgs = rng.integers(0, 256, size=(3, 4, 4), dtype=np.uint8)
idx3 = struct.pack(">BBBB", 0, 0, 8, 3) + struct.pack(">III", 3, 4, 4) + imgs.tobytes()
idx1 = struct.pack(">BBBB", 0, 0, 8, 1) + struct.pack(">I", 3) + bytes([1, 2, 3])
put("FuzzIDX", "images.idx3", idx3)
put("FuzzIDX", "labels.idx1", idx1)
put("FuzzIDX", "images.idx3.gz", gzip.compress(idx3))
put("FuzzIDX", "two-members.gz", gzip.compress(idx3[:10]) + gzip.compress(idx3[10:]))
put("FuzzIDX", "truncated.idx3", idx3[:-5])

# NPY: every supported dtype, 1-D to 4-D, both byte orders, versions 1 and 2.
for dt in ["<f4", ">f4", "<f8", "|u1", "<i2", "<i4", ">i8", "<u2", "|b1", "|i1"]:
    put("FuzzNPY", f"m{dt.replace('<','le').replace('>','be').replace('|','')}.npy",
        npy(rng.integers(0, 9, size=(3, 5)).astype(dt)))
put("FuzzNPY", "labels.npy", npy(np.arange(6, dtype=np.int64)))
put("FuzzNPY", "images.npy", npy(rng.integers(0, 256, size=(2, 8, 8), dtype=np.uint8)))
put("FuzzNPY", "chw.npy", npy(rng.random((2, 1, 3, 3)).astype(np.float32)))
put("FuzzNPY", "nan.npy", npy(np.array([[1.0, np.nan]], dtype=np.float32)))
put("FuzzNPY", "scalar.npy", npy(np.float32(3.5)))
b = io.BytesIO(); np.lib.format.write_array(b, np.ones((2, 2), np.float32), version=(2, 0)); put("FuzzNPY", "v2.npy", b.getvalue())
put("FuzzNPY", "fortran.npy", npy(np.asfortranarray(rng.random((3, 2)))))

# NPZ: stored and deflated, with train/test members.
for name, save in [("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)]:
    b = io.BytesIO()
    save(b, x_train=rng.integers(0, 256, size=(4, 8, 8), dtype=np.uint8), y_train=np.arange(4),
         x_test=rng.random((2, 64)).astype(np.float32), y_test=np.array([1, 0]))
    put("FuzzNPZ", name, b.getvalue())
b = io.BytesIO(); np.savez(b, data=rng.random((5, 3))); put("FuzzNPZ", "data.npz", b.getvalue())
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z: z.writestr("readme.txt", "not an array")
put("FuzzNPZ", "not-npy-member.npz", b.getvalue())

# CSV: header, labels first/last, quotes, tabs, blank lines, exponents, NaN.
put("FuzzCSV", "header.csv", b"a,b,label\n1,2,0\n3.5,-4e-3,1\n")
put("FuzzCSV", "nohead.csv", b"0,1.5,2\n1,2.5,3\n\n")
put("FuzzCSV", "quoted.csv", b'"x, 1","y"\n1,2\n3,4\n')
put("FuzzCSV", "tabs.tsv", b"1\t2\t3\r\n4\t5\t6\r\n")
put("FuzzCSV", "pixels.csv", (",".join(str(v) for v in range(64)) + "\n").encode() * 3)
put("FuzzCSV", "nan.csv", b"1,nan\n2,inf\n")
put("FuzzCSV", "labels.txt", b"3\n1\n4\n1\n5\n")

# safetensors: a hand-made one, and a model written by `latentmap train` when available.
def safetensors(tensors, metadata):
    header, data, off = {}, b"", 0
    for name, arr in tensors:
        raw = arr.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [off, off + len(raw)]}
        off += len(raw); data += raw
    if metadata: header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data
put("FuzzSafetensors", "plain.safetensors", safetensors([("w", rng.random((2, 3))), ("b", rng.random(3))], {"format": "x"}))
put("FuzzSafetensors", "empty.safetensors", safetensors([], {}))
if model and os.path.exists(model):
    with open(model, "rb") as f: put("FuzzSafetensors", "model.safetensors", f.read())

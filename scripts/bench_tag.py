#!/usr/bin/env python3
"""Tags one benchmark record (a JSON line on stdin) with where, when and how it was measured.

Adds: run (the bench.sh invocation's UTC start), workload (bench.sh's case name), date, the
LatentMap commit, the machine (CPU model, cores, memory), the Swift version, and optionally the
whole process's wall time and peak RSS measured by /usr/bin/time. Prints the tagged line.
Standard library only, so bench.sh needs no venv for it.
"""
import argparse, json, os, platform, subprocess, sys, datetime

ap = argparse.ArgumentParser()
ap.add_argument("--run", required=True)
ap.add_argument("--workload", required=True)
ap.add_argument("--commit", default="")
ap.add_argument("--tool", help="the tool that produced the record (default: its own \"tool\" field, else a peer)")
ap.add_argument("--wall-s", type=float)
ap.add_argument("--peak-rss-kb", type=int)
ap.add_argument("--flops-per-epoch", type=float,
                help="FLOPs of one training epoch (for a peer's record: LatentMap's count of the same network)")
ap.add_argument("--peak-gflops", type=float, help="the SGEMM peak measured in the same run")
args = ap.parse_args()

line = sys.stdin.read().strip().splitlines()
line = [l for l in line if l.startswith("{")]
if not line:
    sys.exit("bench_tag: no JSON record on standard input")
rec = json.loads(line[-1])

def cpu_model():
    try:
        for l in open("/proc/cpuinfo"):
            if l.startswith("model name"):
                return l.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()

def mem_gb():
    try:
        for l in open("/proc/meminfo"):
            if l.startswith("MemTotal"):
                return round(int(l.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None

def swift_version():
    try:
        out = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=30).stdout
        return out.splitlines()[0].strip() if out else None
    except Exception:
        return None

if args.tool:
    rec["tool"] = args.tool
elif "tool" not in rec:
    versions = rec.get("versions", {})
    rec["tool"] = ("pytorch" if "torch" in versions else "openTSNE" if "openTSNE" in versions
                   else "scikit-learn" if "sklearn" in versions else "peer")
rec["run"] = args.run
rec["workload"] = args.workload
rec["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
rec["latentmap_commit"] = args.commit
rec["machine"] = {"cpu": cpu_model(), "cores": os.cpu_count(), "memory_gb": mem_gb()}
if rec.get("tool") == "latentmap":
    rec["swift"] = swift_version()
if args.wall_s is not None:
    rec["process_wall_s"] = args.wall_s
if args.peak_rss_kb is not None:
    rec["process_peak_rss_mb"] = round(args.peak_rss_kb / 1024, 1)
if args.flops_per_epoch:
    rec["flops_per_epoch"] = args.flops_per_epoch
sec = rec.get("median_epoch_s_2toN")
if rec.get("flops_per_epoch") and sec:
    rec["gflops"] = round(rec["flops_per_epoch"] / sec / 1e9, 2)
    if args.peak_gflops:
        rec["sgemm_peak_gflops"] = round(args.peak_gflops, 2)
        rec["sgemm_peak_share"] = round(rec["gflops"] / args.peak_gflops, 3)
print(json.dumps(rec), flush=True)

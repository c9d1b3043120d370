#!/usr/bin/env python3
"""Compares two folders written by scripts/workflow_outputs.sh, file by file.

Each file is byte-identical, identical once what differs between two runs of one build is set
aside (seconds in JSON, CSV and Markdown reports; the creation date inside PDFs), equal as JSON
values apart from seconds (a report whose formatting changed), or different. Exits 1 if any file
is different or missing.
"""
import json, os, re, sys

def normalized(path):
    data = open(path, 'rb').read()
    if path.endswith('.pdf'):
        return re.sub(rb'/CreationDate \(D:\d+Z\)', b'', data)
    lines = []
    for line in data.decode('utf-8', 'replace').split('\n'):
        if re.search(r'"\w+_s(econds)?"\s*:', line) or re.search(r'"seconds"\s*:', line):
            continue
        if path.endswith('history.csv'):
            line = ','.join(line.split(',')[:-1])
        if path.endswith('sweep.csv'):
            line = ','.join(line.split(',')[:-2])
        if line.startswith('|'):
            line = re.sub(r'\| [0-9.]+ \| [0-9.]+ \|$', '| T | T |', line)
            line = re.sub(r'\| [0-9.]+ \|$', '| T |', line)
        lines.append(line)
    return '\n'.join(lines).encode()

def json_values(path):
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if k != 'seconds' and not re.fullmatch(r'\w+_s(econds)?', k)}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    try:
        return strip(json.loads(open(path).read()))
    except ValueError:
        return None

def main(a, b):
    files = lambda root: {os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs}
    fa, fb = files(a), files(b)
    counts = {'byte-identical': 0, 'identical but for timings/PDF dates': 0, 'same JSON values, other formatting': 0, 'different or missing': 0}
    for name in sorted(fa | fb):
        pa, pb = os.path.join(a, name), os.path.join(b, name)
        if name not in fa or name not in fb:
            verdict = 'different or missing'
        elif open(pa, 'rb').read() == open(pb, 'rb').read():
            verdict = 'byte-identical'
        elif normalized(pa) == normalized(pb):
            verdict = 'identical but for timings/PDF dates'
        elif json_values(pa) is not None and json_values(pa) == json_values(pb):
            verdict = 'same JSON values, other formatting'
        else:
            verdict = 'different or missing'
        counts[verdict] += 1
        if verdict not in ('byte-identical',):
            print(f'{verdict}: {name}')
    print(', '.join(f'{k}: {v}' for k, v in counts.items()))
    return 1 if counts['different or missing'] else 0

if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))

"""Build the development corpus from fetched repositories: FLAC at 16 kHz and a manifest.

    python scripts/build_dev_corpus.py --mirrors /work/.mirror --out ../shared/data/dev-corpus

``--mirrors`` is a folder of git directories, one per repository, named
``owner+name`` (holding the git directory itself or a ``repo`` folder with it),
as the project's fetch tool writes them. ``benchmarks/corpus/sources.json``
lists the sources: repository, commit, licence, and rules that match paths
(shell globs, first match wins) to a label, a system (the TTS, vocoder,
voice-conversion or codec system of a fake; ``groundtruth`` for real speech)
and a speaker. Only sources whose licence allows redistributing the audio
are listed; each rule's audio is read from the commit with ``git cat-file``,
mixed to mono, resampled to 16 kHz with soxr, peak-normalised only where it
exceeded full scale, and written as 16-bit FLAC; clips shorter than half a
second are left out (reported). Identical audio under two
paths is kept once. Every clip gets a manifest row (``manifest.csv`` in
``--out``): file, label, corpus, system, speaker, repository, commit, path,
licence, duration and the SHA-256 of the FLAC written. A file that cannot be
decoded is reported with the reason, never dropped silently.

``--check MANIFEST`` compares the rebuilt manifest with a committed one
(``benchmarks/corpus/manifest.csv``) and exits 1 if a clip differs.
"""

import argparse
import csv
import fnmatch
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

HERE = Path(__file__).resolve().parent
SOURCES = HERE.parent / "benchmarks" / "corpus" / "sources.json"
SR = 16000
# Shorter clips hold a syllable or two: too little speech to judge, and
# shorter than some front-ends' analysis window (the study's handcrafted
# features need 0.26 s).
MIN_SECONDS = 0.5
COLUMNS = [
    "file",
    "label",
    "corpus",
    "system",
    "speaker",
    "repo",
    "commit",
    "path",
    "licence",
    "duration",
    "sha256",
]


def git_dir(mirrors, repo):
    folder = mirrors / repo.replace("/", "+")
    return folder / "repo" if (folder / "repo").exists() else folder


def git(directory, *args):
    return subprocess.run(["git", "-C", str(directory), *args], check=True, capture_output=True).stdout


def field(rule, key, path):
    """A rule's value for a path: a literal with ``{stem}`` / ``{parent}``, or ``{"regex": ...}``'s group 1."""
    value = rule.get(key, "")
    if isinstance(value, dict):
        found = re.search(value["regex"], path)
        if found is None:
            raise ValueError(f"{path}: {key} pattern {value['regex']!r} does not match")
        return found[1]
    p = Path(path)
    return value.format(stem=p.stem, parent=p.parent.name)


def to_flac(data):
    """Decode, mix to mono, resample to 16 kHz, refuse a too-short clip, bring within full scale; FLAC bytes and duration."""
    audio, sr = sf.read(io.BytesIO(data), dtype="float64", always_2d=True)
    audio = audio.mean(axis=1)
    if audio.size == 0 or not np.isfinite(audio).all():
        raise ValueError("empty or not finite")
    if sr != SR:
        audio = soxr.resample(audio, sr, SR, quality="HQ")
    if audio.size / SR < MIN_SECONDS:  # refused before it is encoded
        raise ValueError(f"{audio.size / SR:.2f} s, shorter than {MIN_SECONDS} s")
    peak = np.abs(audio).max()
    if peak > 1.0:
        audio = audio / peak
    out = io.BytesIO()
    sf.write(out, audio, SR, format="FLAC", subtype="PCM_16")
    return out.getvalue(), audio.size / SR


def build(mirrors, out, sources):
    rows, skipped, seen = [], [], {}
    for source in sources:
        directory = git_dir(mirrors, source["repo"])
        commit = git(directory, "rev-parse", source["commit"]).decode().strip()
        paths = git(directory, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
        for path in paths:
            rule = next((r for r in source["rules"] if fnmatch.fnmatch(path, r["glob"])), None)
            if rule is None or any(fnmatch.fnmatch(path, g) for g in source.get("exclude", [])):
                continue
            try:
                flac, duration = to_flac(git(directory, "cat-file", "blob", f"{commit}:{path}"))
            except Exception as error:  # a bad file is reported with its reason, never dropped silently
                skipped.append(f"{source['repo']}@{commit[:12]}:{path}: {error}")
                continue
            digest = hashlib.sha256(flac).hexdigest()
            if digest in seen:
                skipped.append(f"{source['repo']}:{path}: the same audio as {seen[digest]}")
                continue
            name = f"{rule['label']}/{source['corpus']}__{path.replace('/', '__').rsplit('.', 1)[0]}.flac"
            seen[digest] = name
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(flac)
            rows.append(
                {
                    "file": name,
                    "label": rule["label"],
                    "corpus": source["corpus"],
                    "system": field(rule, "system", path),
                    "speaker": field(rule, "speaker", path),
                    "repo": source["repo"],
                    "commit": commit,
                    "path": path,
                    "licence": source["licence"],
                    "duration": f"{duration:.3f}",
                    "sha256": digest,
                }
            )
    return rows, skipped


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mirrors", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sources", type=Path, default=SOURCES)
    parser.add_argument("--check", type=Path, help="a committed manifest.csv to compare with")
    args = parser.parse_args()
    sources = json.loads(args.sources.read_text(encoding="utf-8"))["sources"]
    rows, skipped = build(args.mirrors, args.out, sources)
    with open(args.out / "manifest.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    counts = {}
    for row in rows:
        counts.setdefault(row["corpus"], [0, 0])[row["label"] == "fake"] += 1
    for corpus, (real, fake) in counts.items():
        print(f"{corpus:28s} {real:5d} real {fake:5d} fake")
    print(f"{len(rows)} clips from {len(counts)} sources; {len(skipped)} left out:")
    for line in skipped:
        print(f"  {line}")
    if args.check:
        with open(args.check, encoding="utf-8") as f:
            committed = {r["file"]: r for r in csv.DictReader(f)}
        built = {r["file"]: r for r in rows}
        differ = sorted(k for k in committed.keys() | built.keys() if committed.get(k) != built.get(k))
        print(f"check against {args.check}: {len(differ)} clips differ")
        for name in differ[:20]:
            print(f"  {name}")
        if differ:
            sys.exit(1)


if __name__ == "__main__":
    main()

"""Run every benchmark script in this folder and print one table.

Each row: the figure measured for skdeepfake, its reference measured in the
same run, their ratio (higher is better) and the goal. Not part of the tests.
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main():
    rows, failed = [], []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"running {script.name} ...", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE, capture_output=True, text=True)
        if proc.returncode:
            failed.append(script.name)
            print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
        rows += [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    width = max(len(r["name"]) for r in rows) if rows else 10
    print(f"\n{'figure':<{width}}  {'ours':>12}  {'reference':>12}  {'ratio':>7}  {'goal':>6}  met")
    for r in rows:
        goal = "" if r["goal"] is None else f"{r['goal']:g}x"
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(
            f"{r['name']:<{width}}  {r['ours']:>12.4g}  {r['reference']:>12.4g}  "
            f"{r['ratio']:>6.2f}x  {goal:>6}  {met} ({r['unit']})"
        )
    if failed:
        print(f"\nFAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Executes notebooks with nbclient for scripts/run-notebooks.mjs (run with the .venv's Python, else Debian's /usr/bin/python3).

Reads one JSON job from stdin:
    {"kernel": "tslab-icl", "cwd": "<project root>", "timeout": 300, "keep_going": false,
     "notebooks": [{"path": "notebooks/00-the-game.ipynb", "write": "<path or null>"}]}
and writes one JSON line per notebook to stdout:
    {"path": ..., "ok": true, "seconds": 3.2, "written": "<path or null>", "bytes": 12345}
    {"path": ..., "ok": false, "seconds": ..., "cell": 7, "cell_id": "...", "source": "...", "error": "..."}

Why not `jupyter nbconvert --execute`: it reports a failing TypeScript cell only as "<Error>:" because tslab puts
the diagnostic (a type error, or a stack trace) in the cell's stderr stream rather than in the error reply. This
script records which cell failed and returns that cell's own stderr and traceback text.
"""
import json
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Stack frames of the kernel's own machinery (tslab, node:vm), which say nothing about the failing cell.
KERNEL_FRAME = re.compile(r"^\s+at .*(node:vm|node:internal|node_modules/tslab/|node_modules/zeromq/)")


def tidy(text):
    return "\n".join(line for line in ANSI.sub("", text).split("\n") if not KERNEL_FRAME.match(line))


def cell_error_text(cell, fallback):
    """The failing cell's own diagnostic: its stderr stream text and its error outputs' tracebacks."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            tb = "\n".join(out.get("traceback") or [])
            head = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip(": ")
            parts.append(tb if tb.strip() else head)
    text = tidy("\n".join(p.rstrip("\n") for p in parts if p and p.strip()))
    return text or ANSI.sub("", fallback or "").strip() or "(the kernel reported an error without any message)"


def run(job, entry):
    nb = nbformat.read(entry["path"], as_version=4)
    state = {"index": None}

    def on_cell_start(cell, cell_index, **_):
        state["index"] = cell_index

    client = NotebookClient(
        nb,
        kernel_name=job["kernel"],
        timeout=job["timeout"],
        startup_timeout=120,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": job["cwd"]}},
        on_cell_start=on_cell_start,
    )
    started = time.time()
    result = {"path": entry["path"], "ok": True}
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        idx = state["index"]
        cell = nb.cells[idx] if idx is not None else {}
        kind = {CellTimeoutError: "timeout", DeadKernelError: "dead kernel"}.get(type(exc), "error")
        result.update(
            ok=False,
            kind=kind,
            cell=idx,
            cell_id=cell.get("id"),
            source=cell.get("source", ""),
            error=cell_error_text(cell, str(exc)) if kind == "error" else f"{kind}: {ANSI.sub('', str(exc)).strip()}",
        )
    except Exception as exc:  # the kernel did not start, the notebook is malformed, ...
        result.update(ok=False, kind="runner", cell=None, source="", error=f"{type(exc).__name__}: {exc}")
    result["seconds"] = round(time.time() - started, 2)
    target = entry.get("write")
    if target and result["ok"]:
        nbformat.validate(nb)
        nbformat.write(nb, target)
        with open(target, "rb") as f:
            result["bytes"] = len(f.read())
        result["written"] = target
    return result


def main():
    job = json.load(sys.stdin)
    for entry in job["notebooks"]:
        result = run(job, entry)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        if not result["ok"] and not job.get("keep_going"):
            break


if __name__ == "__main__":
    main()

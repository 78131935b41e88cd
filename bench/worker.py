"""One phase of one case, in a process of its own: ``python -m bench.worker CASE PHASE``.

``python -m bench.worker --check`` prints which cases can run on the
database of ``DATABASE_URL``. A measurement is printed as the last line,
``BENCH-RESULT {json}``, with the process's peak resident set size
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process, Python
heap, C libraries and database driver buffers included) and its growth over
the RSS the phase started from (Django and the modules it needs loaded).
"""

from __future__ import annotations

import json
import os
import resource
import sys

MARK = "BENCH-RESULT "


def current_rss_mb() -> float:
    """The resident set size now, from /proc (Linux), else the peak so far."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class Context:
    """What a phase gets: the run count, options, and a way to mark its RSS baseline."""

    def __init__(self, options: dict | None = None):
        self.options = options or {}
        self.baseline_mb = current_rss_mb()

    def runs(self, default: int) -> int:
        return int(os.environ.get("BENCH_RUNS", default))

    def mark_baseline(self) -> None:
        """Call after imports and set-up, right before the measured work."""
        self.baseline_mb = current_rss_mb()


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from bench.cases import all_cases

    cases = all_cases()
    if argv[:1] == ["--check"]:
        report = {}
        for name, case in cases.items():
            try:
                reason = case.unavailable()
            except Exception as exc:  # a half-written module must not stop the others
                reason = f"{exc.__class__.__name__}: {exc}"
            report[name] = {
                "unavailable": reason,
                "phases": list(case.phase_order()),
                "timeout": case.timeout,
                "rounds": case.rounds,
            }
        print(MARK + json.dumps(report))
        return 0
    name, phase = argv[0], argv[1]
    options = json.loads(argv[2]) if len(argv) > 2 else {}
    ctx = Context(options)
    result = cases[name].phases[phase](ctx)
    result.pop("result", None)
    peak = peak_rss_mb()
    result["peak_rss_mb"] = round(peak, 1)
    result["rss_growth_mb"] = round(max(0.0, peak - ctx.baseline_mb), 1)
    print(MARK + json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Precision and recall of "an incident that reads as a request" (session 39,
sdesk/procedures/request_reading.py) on the labelled corpora's TYPE column.

    python -m tests.corpus.request_type            # the thirty-five TUNING files
    python -m tests.corpus.request_type --errors   # and every proposal on an incident
    python -m tests.corpus.request_type --held-out # fresh35.txt and fresh36.txt: figures only

Each line is read as if it had come in by e-mail as an incident (mail opens incidents): a
proposal is right when the writer logged the ticket as a request (TYPE R), wrong on an
incident (TYPE I); recall is over the requests. The corpus has titles only (no
description), so the reading sees less than triage does. These files have all been read while
tuning (tests/corpus/measure.py): the figure is a TUNING figure. `--held-out` reads session
40's blind pair (fresh35.txt, fresh36.txt), which the rule was written without (session 39's
held-out figures on session 38's pair, fresh33/fresh34, are in docs/triage.md): figure lines
only, never --errors (a file whose misses are read becomes tuning data).
"""

from __future__ import annotations

import sys

from sdesk.core.reference import load_reference
from sdesk.procedures.request_reading import reads_as_request
from tests.corpus.measure import CORPUS, ROOT, TUNING, load


def main(argv: list[str]) -> int:
    ref = load_reference(ROOT / "reference")
    total = [0, 0, 0]  # proposed on a request, proposed on an incident, requests
    worst = 1.0
    held_out = "--held-out" in argv
    files = [CORPUS.parent / "fresh35.txt", CORPUS.parent / "fresh36.txt"] if held_out else TUNING
    for path in files:
        tp = fp = requests = 0
        for item in load(path):
            said = reads_as_request(item.title, "", ref)
            requests += item.type == "request"
            if said is None:
                continue
            if item.type == "request":
                tp += 1
            else:
                fp += 1
                if "--errors" in argv and not held_out:
                    print(f"  fp {path.name}: {item.title!r} ({said[0]})")
        precision = tp / (tp + fp) if tp + fp else 1.0
        worst = min(worst, precision)
        print(f"{path.name:14} proposed {tp + fp:3}  precision {precision:.2f}  "
              f"recall {tp / requests if requests else 0:.2f} (of {requests} requests)")
        total = [total[0] + tp, total[1] + fp, total[2] + requests]
    tp, fp, requests = total
    print(f"all {len(files)} files: proposed {tp + fp}, precision {tp / (tp + fp):.3f}, "
          f"worst file {worst:.2f}, recall {tp / requests:.3f} (of {requests} requests)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

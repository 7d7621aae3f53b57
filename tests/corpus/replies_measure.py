"""How sdesk reads a customer's reply to a resolution mail (sdesk/mail/reading.py: `reading`
of the reply with its signature cut), scored against labelled replies (session 39):

    python -m tests.corpus.replies_measure                       # tests/corpus/replies/tuning.txt
    python -m tests.corpus.replies_measure tests/corpus/replies/heldout.txt

Each file holds `LABEL | body` lines (a line break written \\n; the requester is Ana Ruiz):
score, thanks, back (the same problem is back: the ticket is reopened) or unsure (kept as a
comment, flagged for a person). Per label: precision and recall. The costly mistake is a wrong
reopen (a reopen counted, the score and first contact lost, the customer mailed), so "back"'s
precision is the figure to watch; a reply read "unsure" costs a person one read. tuning.txt was
written beside the rules; heldout.txt was written blind (see its header) and is measured, never
tuned on: read its misses and it becomes tuning data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sdesk.mail.reading import reading, signature_cut

LABELS = ("score", "thanks", "back", "unsure")
HERE = Path(__file__).parent / "replies"
SENDER = "Ana Ruiz"


def load(path: Path) -> list[tuple[str, str]]:
    """(label, body) of each `LABEL | body` line of `path`; ValueError naming a bad line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sep, body = line.partition(" | ")
        if not sep or label.strip() not in LABELS:
            raise ValueError(f"{path}:{n}: not 'LABEL | body' with LABEL one of {LABELS}")
        out.append((label.strip(), body.replace("\\n", "\n")))
    return out


def figures(path: Path) -> dict[str, tuple[int, int, int]]:
    """label -> (right, read as it but labelled otherwise, labelled it but read otherwise)."""
    counts = {label: [0, 0, 0] for label in LABELS}
    for want, body in load(path):
        got = reading(signature_cut(body, SENDER))[0]
        if got == want:
            counts[want][0] += 1
        else:
            counts[got][1] += 1
            counts[want][2] += 1
    return {label: (c[0], c[1], c[2]) for label, c in counts.items()}


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else HERE / "tuning.txt"
    total = 0
    for label, (right, wrong, missed) in figures(path).items():
        total += right + missed
        p = right / (right + wrong) if right + wrong else 1.0
        r = right / (right + missed) if right + missed else 1.0
        print(f"{label:7} precision {p:.2f} ({right} of {right + wrong})  "
              f"recall {r:.2f} ({right} of {right + missed})")
    print(f"{path.name}: {total} replies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

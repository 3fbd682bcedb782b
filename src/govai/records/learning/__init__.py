"""Learning records a government programme can keep: xAPI statements, learning-hour exports and
completion badges, all rebuilt from the results database (and the learner's progress store).

- :mod:`govai.records.learning.lessons`: which lesson notebook binds which self-checks;
- :mod:`govai.records.learning.completion`: when a track (module) and a route count as completed;
- :mod:`govai.records.learning.xapi`: xAPI 1.0.3 statements (ralph-malph's pydantic models), a JSON-lines
  file and a learning record store (LRS) client; readiness back from statements;
- :mod:`govai.records.learning.keys`: the keyed hash of national IDs and the badge issuer's signing key;
- :mod:`govai.records.learning.hours`: learning-hour export (CSV / Excel) through a configurable template;
- :mod:`govai.records.learning.badges`: Open Badges 3.0 credentials (openbadgeslib), status list, QR code;
- :mod:`govai.records.learning.forget`: delete a learner's records everywhere;
- :mod:`govai.records.learning.cli`: the ``govai records`` command.

Keys and stores live under ``$GOVAI_HOME/records`` (see :func:`records_dir`), never in the repository.
See docs/learning-records.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from govai.exercises import progress


def records_dir() -> Path:
    """``$GOVAI_RECORDS_DIR``, or ``$GOVAI_HOME/records`` (``~/.govai/records``); refused inside the repository."""
    env = os.environ.get("GOVAI_RECORDS_DIR")
    path = Path(env).expanduser() if env else progress.home() / "records"
    path = path.resolve()
    from govai.paths import repo_root

    root = repo_root().resolve()
    if path == root or root in path.parents:
        if (root / "var") not in [path, *path.parents]:
            raise ValueError(f"紀錄與金鑰不可放在程式庫內：{path} / records and keys must live outside the repository "
                             "(set GOVAI_HOME or GOVAI_RECORDS_DIR)")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path

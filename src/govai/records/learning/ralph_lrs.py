"""Run ralph-malph's LRS app (``ralph.api:app``) with its file-system backend — executed by the LRS's
own interpreter (``.venv-lrs/bin/python``), never imported by govai.

Two differences from ``ralph runserver --backend fs``, both for ralph 5.1.0 and documented in
docs/learning-records.md:

- ``runserver`` starts uvicorn with ``reload=True`` (a development file watcher and a second
  process); here the same app runs under uvicorn without it;
- ralph's file-system backend writes with ``operation_type=create`` by default, which refuses every
  write after the first to its ``fs_lrs.jsonl`` ("already exists and overwrite is not allowed"), so a
  second POST of new statements fails with HTTP 500. Its own ``append`` operation is made the default.

Usage: python ralph_lrs.py HOST PORT USER PASSWORD (settings from ``RALPH_*`` environment variables).
"""

import json
import os
import sys
from pathlib import Path


def write_auth_file(path: Path, user: str, password: str) -> None:
    """The same file ``ralph auth -w`` writes (bcrypt hash, scope ``all``)."""
    import bcrypt

    entry = {"agent": {"account": {"homePage": "https://govai.example/lrs", "name": f"{user}-lrs"},
                       "objectType": "Agent"},
             "scopes": ["all"], "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(),
             "username": user}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump([entry], fh, indent=2)


def main() -> None:
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    auth = Path(os.environ["RALPH_AUTH_FILE"])
    if not auth.exists():
        write_auth_file(auth, user, password)
    import uvicorn
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend
    from ralph.conf import settings

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host=host, port=port, log_config=settings.LOGGING, log_level="info")


if __name__ == "__main__":
    main()

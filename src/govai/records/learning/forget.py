"""Delete a learner's records everywhere: results database rows (runs, notebook runs, results), progress
events, xAPI statements (the JSON-lines file; voided in a configured LRS, since xAPI has no delete),
badges (revoked, so copies stop verifying; files and registry recipient erased) and every learning-hour
export that holds them. Everything else govai keeps is rebuilt from these stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govai.exercises import progress
from govai.records.learning import badges, hours, xapi

if TYPE_CHECKING:
    from govai.records.results import ResultsDB


def delete_results(learner: str, db: ResultsDB | str | None = None) -> int:
    from sqlalchemy import delete, select

    from govai.records.results import ResultsDB, notebook_runs, results, runs

    database = db if isinstance(db, ResultsDB) else ResultsDB(db)
    with database.engine.begin() as con:
        ids = [r[0] for r in con.execute(select(runs.c.run_id).where(runs.c.learner == learner))]
        n = con.execute(delete(results).where(results.c.learner == learner)).rowcount or 0
        if ids:
            con.execute(delete(results).where(results.c.run_id.in_(ids)))
            con.execute(delete(notebook_runs).where(notebook_runs.c.run_id.in_(ids)))
            con.execute(delete(runs).where(runs.c.run_id.in_(ids)))
    return int(n)


def delete_progress(learner: str, path: Path | None = None) -> int:
    p = path or progress.store_path()
    if not Path(p).exists():
        return 0
    con = sqlite3.connect(p, timeout=progress.LOCK_TIMEOUT)
    try:
        with con:
            return int(con.execute("DELETE FROM events WHERE learner = ?", (learner,)).rowcount or 0)
    finally:
        con.close()


def forget(learner: str, db: ResultsDB | str | None = None, *, progress_path: Path | None = None, statements: Path | None = None,
           lrs: xapi.LRS | None = None, lrs_store: Path | None = None) -> dict[str, Any]:
    """Remove the learner everywhere; returns what was removed from each store.

    ``lrs_store``: the folder of the local ralph LRS (:mod:`govai.records.learning.lrs_server`), whose file is
    then purged of the learner's statements after they are voided."""
    done: dict[str, Any] = {}
    client = lrs or xapi.LRS.from_env()
    if client is not None:
        ids = [s["id"] for s in client.statements(learner)]
        done["lrs_voided"] = client.void(learner, ids)
        if lrs_store is not None:
            from govai.records.learning import lrs_server

            done["lrs_purged"] = lrs_server.purge(lrs_store, learner, set(ids))
    done["statements"] = xapi.remove_from_file(learner, statements)
    done["badges_revoked"] = badges.forget(learner)
    done["exports_deleted"] = [str(p) for p in hours.forget(learner)]
    done["progress_events"] = delete_progress(learner, progress_path)
    done["results"] = delete_results(learner, db)
    return done

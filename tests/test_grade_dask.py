"""`--executor dask`: submissions fanned out over a Dask cluster give the same gradebook."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "grade"))
import helpers as h
import samples

pytestmark = pytest.mark.slow


def test_dask_local_cluster(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    course = tmp_path / "course"
    h.course(course)
    master = samples.new_course(course, h.M1)
    for i in range(4):
        samples.write_submission(course, f"d{i}", h.M1, samples.submission(master, samples.varied_answers(master, i)))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        out = h.grade(course, executor="dask", scheduler=cluster.scheduler_address)
    assert {o.status for o in out.values()} == {"graded"}
    assert h.totals(h.sqlite(course), h.M1) == {"d0": 23.0, "d1": 15.0, "d2": 16.0, "d3": 23.0}
    assert all((course / "autograded" / f"d{i}" / h.M1 / f"{h.M1}.ipynb").exists() for i in range(4))

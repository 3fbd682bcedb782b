"""nbgrader's autograde tests, run against `govai grade` (see conftest.py)."""

from nbgrader.tests.apps.test_nbgrader_autograde import TestNbGraderAutograde

__all__ = ["TestNbGraderAutograde"]

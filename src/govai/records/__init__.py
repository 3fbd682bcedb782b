"""Records of learning: the papermill runner, results database, readiness, coverage, reports, learning records."""

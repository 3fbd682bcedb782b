"""Course tooling: catalog, masters, release, validation, authoring, the assessment standard."""

"""The learner's and instructor's environment: JupyterLab, JupyterHub, the language pack."""

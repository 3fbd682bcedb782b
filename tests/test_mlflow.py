"""MLflow runs for real: tracking on a local SQLite store with file artifacts, a model registry, and
promotion by alias only after the CI gate passes (module 6-B lesson 3). Also asserts the lesson's claims."""

from __future__ import annotations

import hashlib
import logging
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

mlflow = pytest.importorskip("mlflow")
from mlflow import MlflowClient  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from govai.exercises import module6_b as ex  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data" / "module6_b" / "urgent_training.csv"


def _lower(correct: int, n: int) -> float:
    p = correct / n
    return p - 1.96 * float(np.sqrt(p * (1 - p) / n))


def test_tracking_registry_and_gated_promotion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
    monkeypatch.chdir(tmp_path)                        # nothing may land in the repository (./mlruns)
    data = pd.read_csv(DATA)
    sha = hashlib.sha256(DATA.read_bytes()).hexdigest()
    X = pd.get_dummies(data[["channel", "text_length", "keywords", "repeat_caller"]], columns=["channel"]).astype(float)
    y = data["urgent"]
    train = data["case_id"] <= "T01800"

    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    exp = mlflow.create_experiment("urgent-classifier", artifact_location=(tmp_path / "artifacts").as_uri())
    client = MlflowClient()
    client.create_registered_model("urgent-classifier")
    results = []
    candidates = [("v1", LogisticRegression(), ["keywords"]),
                  ("v2", LogisticRegression(max_iter=1000), list(X.columns)),
                  ("v3", DecisionTreeClassifier(max_depth=5, random_state=0), list(X.columns))]
    for name, model, feats in candidates:
        with mlflow.start_run(experiment_id=exp, run_name=name) as run:
            model.fit(X.loc[train, feats], y[train])
            pred = model.predict(X.loc[~train, feats])
            ok = pd.Series(pred == y[~train].to_numpy(), index=data.index[~train])
            groups = {g: (int(s.sum()), int(s.size)) for g, s in ok.groupby(data.loc[~train, "channel"])}
            mlflow.log_params({"features": ",".join(feats)})
            mlflow.set_tag("data_sha256", sha)
            mlflow.log_metric("accuracy", float(ok.mean()))
            path = tmp_path / f"{name}.pkl"
            path.write_bytes(pickle.dumps(model))
            mlflow.set_tag("model_sha256", hashlib.sha256(path.read_bytes()).hexdigest())
            mlflow.log_artifact(str(path), artifact_path="model")
            mv = client.create_model_version("urgent-classifier", source=f"{run.info.artifact_uri}/model/{path.name}",
                                             run_id=run.info.run_id)
        results.append((int(mv.version), float(ok.mean()), groups, run.info.run_id))
    client.set_registered_model_alias("urgent-classifier", "champion", 1)

    assert not (tmp_path.parent / "mlruns").exists() and (tmp_path / "artifacts").is_dir()
    runs = mlflow.search_runs(experiment_ids=[exp])
    assert len(runs) == 3 and set(runs["tags.data_sha256"]) == {sha}

    # The lesson's claims: v2 is below the baseline, v3 passes every gate, v1 fails the counter group.
    baseline = results[0][1]
    accs = {v: round(a, 4) for v, a, _, _ in results}
    assert accs == {1: 0.7617, 2: 0.7333, 3: 0.805}
    assert _lower(*results[0][2]["臨櫃"]) < 0.5
    verdicts = {v: ex._passes_gate(a, baseline, g, 12.0) for v, a, g, _ in results}
    assert verdicts == {1: False, 2: False, 3: True}
    assert min(_lower(c, n) for c, n in results[2][2].values()) >= 0.70

    for version, ok_gate in verdicts.items():
        if version > 1 and ok_gate:
            client.set_registered_model_alias("urgent-classifier", "champion", version)
    champion = client.get_model_version_by_alias("urgent-classifier", "champion")
    assert int(champion.version) == ex.q10._correct == 3

    local = Path(mlflow.artifacts.download_artifacts(run_id=champion.run_id, artifact_path="model",
                                                     dst_path=str(tmp_path / "serve")))
    model_file = next(local.glob("*.pkl"))
    assert hashlib.sha256(model_file.read_bytes()).hexdigest() == client.get_run(champion.run_id).data.tags["model_sha256"]
    served = pickle.loads(model_file.read_bytes())
    assert type(served).__name__ == "DecisionTreeClassifier"
    # Rolling back is moving the alias back.
    client.set_registered_model_alias("urgent-classifier", "champion", 1)
    assert int(client.get_model_version_by_alias("urgent-classifier", "champion").version) == 1

"""deploy/kubernetes/: checked as far as this machine allows (no cluster, no Docker — untested there).

* values.yaml parses and uses only keys the Zero to JupyterHub chart (4.x) documents in its
  values schema (free-form sections such as ``hub.config`` are not descended into), and it sets
  what a class needs: the single-user image, per-user storage, the shared exchange volume, an
  LDAP/Active Directory authenticator, resource limits, culling;
* exchange-volume.yaml is a ReadWriteMany claim with the name values.yaml mounts;
* the Dockerfile passes a small lint: pinned base image, no masters (source/) copied, pinned
  Python packages, a non-root user, every COPY source exists, apt lists cleaned.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

K8S = Path(__file__).resolve().parents[1] / "deploy" / "kubernetes"
REPO = K8S.parents[1]

#: Keys of the chart's values schema (jupyterhub/values.schema.yaml, chart 4.x) that values.yaml may
#: use; ``None`` marks a free-form mapping (any keys below it).
CHART_KEYS: dict = {
    "hub": {"config": None, "extraConfig": None, "extraEnv": None, "extraFiles": None, "resources": None,
            "db": {"type": None, "url": None, "password": None, "pvc": None, "upgrade": None},
            "baseUrl": None, "networkPolicy": None, "image": None, "nodeSelector": None},
    "proxy": {"https": {"enabled": None, "type": None, "hosts": None, "letsencrypt": None, "manual": None,
                        "secret": {"name": None, "key": None, "crt": None}},
              "service": None, "chp": None, "secretToken": None},
    "singleuser": {"image": {"name": None, "tag": None, "pullPolicy": None, "pullSecrets": None},
                   "defaultUrl": None, "uid": None, "fsGid": None, "cmd": None, "extraEnv": None,
                   "cpu": {"limit": None, "guarantee": None}, "memory": {"limit": None, "guarantee": None},
                   "storage": {"type": None, "capacity": None, "homeMountPath": None, "extraVolumes": None,
                               "extraVolumeMounts": None, "dynamic": {"storageClass": None, "pvcNameTemplate": None,
                                                                      "volumeNameTemplate": None,
                                                                      "storageAccessModes": None},
                               "static": None, "extraLabels": None},
                   "networkPolicy": {"enabled": None, "egressAllowRules": {"privateIPs": None, "nonPrivateIPs": None,
                                                                           "dnsPortsPrivateIPs": None,
                                                                           "cloudMetadataServer": None},
                                     "egress": None, "ingress": None},
                   "profileList": None, "extraFiles": None, "startTimeout": None, "nodeSelector": None},
    "cull": {"enabled": None, "timeout": None, "every": None, "users": None, "maxAge": None, "concurrency": None},
    "scheduling": {"userScheduler": {"enabled": None}, "podPriority": {"enabled": None},
                   "userPlaceholder": None, "corePods": None, "userPods": None},
    "prePuller": {"hook": {"enabled": None}, "continuous": {"enabled": None}},
}


def _walk(values: dict, allowed: dict, where: str = "") -> list[str]:
    unknown = []
    for key, value in values.items():
        path = f"{where}.{key}" if where else key
        if key not in allowed:
            unknown.append(path)
        elif allowed[key] is not None:
            assert isinstance(value, dict), f"{path} must be a mapping"
            unknown += _walk(value, allowed[key], path)
    return unknown


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))


def test_values_use_only_documented_chart_keys(values: dict) -> None:
    assert _walk(values, CHART_KEYS) == []


def test_values_set_what_a_class_needs(values: dict) -> None:
    single = values["singleuser"]
    assert single["image"]["name"] and single["image"]["tag"] not in ("", "latest")
    assert single["defaultUrl"] == "/lab"
    assert single["cpu"]["limit"] and single["memory"]["limit"], "每位使用者都要有資源上限"
    assert single["storage"]["type"] == "dynamic" and single["storage"]["capacity"]
    claims = {v["persistentVolumeClaim"]["claimName"] for v in single["storage"]["extraVolumes"]}
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == "/srv/nbgrader/exchange"
    pvc = yaml.safe_load((K8S / "exchange-volume.yaml").read_text(encoding="utf-8"))
    assert pvc["kind"] == "PersistentVolumeClaim" and pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    assert pvc["metadata"]["name"] in claims, "交換區的 PVC 名稱須與 values.yaml 掛載的一致"
    auth = values["hub"]["config"]
    assert auth["JupyterHub"]["authenticator_class"] == "ldapauthenticator.LDAPAuthenticator"
    assert auth["LDAPAuthenticator"]["use_ssl"] is True and auth["LDAPAuthenticator"]["server_address"]
    assert auth["JupyterHub"]["admin_access"] is False
    assert values["hub"]["db"]["type"] == "postgres"
    assert values["cull"]["enabled"] is True
    assert single["networkPolicy"]["egressAllowRules"]["nonPrivateIPs"] is False, "學員伺服器不得連外"


def test_profile_config_compiles_and_decides_roles_on_the_hub() -> None:
    src = (K8S / "govai_hub_config.py").read_text(encoding="utf-8")
    ast.parse(src)
    assert "GOVAI_HUB_ROLE" in src and "spawner.uid" in src
    assert "profileList" not in (K8S / "values.yaml").read_text(encoding="utf-8"), \
        "a profile list would let learners choose the instructor profile"


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_lint() -> None:
    ins = _instructions((K8S / "Dockerfile").read_text(encoding="utf-8"))
    assert ins[0][0] in ("FROM", "ARG")
    base = next(rest for word, rest in ins if word == "FROM")
    assert ":" in base and not base.endswith(":latest"), "base image must be pinned"
    copies = [rest.split()[:-1] for word, rest in ins if word == "COPY"]
    for sources in copies:
        for src in sources:
            assert not src.startswith("--"), "no COPY flags expected"
            assert src.rstrip("/") not in (".", "source", "submitted", "autograded", "feedback"), \
                f"the image must not hold {src} (masters, hidden tests or learners' work)"
            assert (REPO / src).exists(), f"COPY source missing in the repository: {src}"
    runs = " ".join(rest for word, rest in ins if word == "RUN")
    assert "-c constraints.txt" in runs, "pip install must use the pinned constraints"
    assert "rm -rf /var/lib/apt/lists" in runs and "--no-install-recommends" in runs
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"
    cmd = next(rest for word, rest in reversed(ins) if word == "CMD")
    assert "govai.lab.hub" in cmd and "singleuser" in cmd

# govai's profiles on Zero to JupyterHub (mounted into jupyterhub_config.d by values.yaml).
# UNTESTED here (no cluster); the same rules as deploy/hub/jupyterhub_config.py on one server:
# * the role comes from the hub (instructor group or GOVAI_INSTRUCTORS), never from the user;
# * every user gets their own Unix uid in their pod, so nbgrader's exchange modes (inbound 2733,
#   submissions owned by their author) separate learners exactly as on one server;
# * instructors get the course volume (masters, submissions, gradebook URL) mounted; learners never do.
import os

c = get_config()  # noqa: F821

INSTRUCTORS = {u.strip() for u in os.environ.get("GOVAI_INSTRUCTORS", "").split(",") if u.strip()}
UID_BASE = 20000


def govai_pre_spawn(spawner):
    user = spawner.user
    instructor = user.name in INSTRUCTORS or any(g.name == "instructors" for g in user.groups)
    spawner.uid = UID_BASE + user.id          # JupyterHub's user id: stable, one per person
    spawner.gid = 100
    spawner.environment["GOVAI_HUB_ROLE"] = "instructor" if instructor else "learner"
    spawner.environment["GOVAI_HUB_STATE"] = "/srv/govai"       # hub.json from the govai-hub ConfigMap
    if instructor:
        spawner.cpu_limit, spawner.mem_limit = 4, "8G"
        spawner.volumes = [*spawner.volumes, {"name": "govai-course",
                                               "persistentVolumeClaim": {"claimName": "govai-course"}}]
        spawner.volume_mounts = [*spawner.volume_mounts, {"name": "govai-course", "mountPath": "/srv/govai/course"}]


c.KubeSpawner.pre_spawn_hook = govai_pre_spawn
c.KubeSpawner.cmd = ["python", "-m", "govai.lab.hub", "singleuser"]

# JupyterHub for a govai class on one server (`govai hub start`, `make hub`).
#
# Settings come from the hub folder written by `govai hub setup` ($GOVAI_HUB_STATE/hub.json):
# local Unix accounts checked by PAM, learners and instructors as JupyterHub groups, and each
# user's JupyterLab started *as that user* by `python -m govai.lab.hub singleuser`, which picks the
# learner profile (Traditional Chinese, Assignments tab, no instructor panels) or the instructor
# profile (formgrader on the hub's course, gradebook on PostgreSQL). See docs/hub.md.
import json
import os
from pathlib import Path

c = get_config()  # noqa: F821  (JupyterHub injects get_config)

state = Path(os.environ["GOVAI_HUB_STATE"])
settings = json.loads((state / "hub.json").read_text(encoding="utf-8"))
instructors = set(settings["instructors"])
learners = {x["user"] for x in settings["learners"]}

# -- where it listens (loopback by default; put TLS in front for a real class: docs/hub.md) --
c.JupyterHub.bind_url = f"http://{settings['ip']}:{settings['port']}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings['hub_port']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.pid_file = str(state / "hub" / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'hub' / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "secrets" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True      # stopping the hub stops every user's server
c.JupyterHub.cleanup_proxy = True

# -- who may log in: local accounts (PAM), the roster's learners and the instructors --
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False   # no login session bookkeeping (containers have no logind)
c.Authenticator.allowed_users = instructors | learners
# Members of the class's Unix groups may log in too: learners added by `govai hub add-learners`
# while the hub runs can log in at once (as learners: the instructor list is read at start).
c.PAMAuthenticator.allowed_groups = {"govai-learners", "govai-instructors"}
c.Authenticator.admin_users = set()        # nobody may open another user's server
c.JupyterHub.load_groups = {"instructors": {"users": sorted(instructors)},
                            "learners": {"users": sorted(learners)}}

# -- each user's JupyterLab, as that user, in their own home (0700) --
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [settings["python"], "-m", "govai.lab.hub", "singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {"GOVAI_HUB_STATE": str(state), "LANG": "C.UTF-8"}


def pre_spawn_hook(spawner):
    """Instructor or learner profile, decided by the hub (a user cannot choose it)."""
    role = "instructor" if spawner.user.name in instructors else "learner"
    spawner.environment["GOVAI_HUB_ROLE"] = role


c.Spawner.pre_spawn_hook = pre_spawn_hook
